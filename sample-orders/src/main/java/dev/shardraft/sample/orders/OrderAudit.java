package dev.shardraft.sample.orders;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks acknowledged commands against one replica's state: each acknowledged command must appear
 * in its order's audit exactly once, at the index it was acknowledged with. Commands must be
 * unique per {@code (orderId, command type)} (as {@link OrderScript} makes them).
 */
public final class OrderAudit {

  /** A command the client got an acknowledgement for, with the acknowledged log index. */
  public record Acknowledged(OrderCommand command, long index) {}

  /**
   * The verdict for one replica.
   *
   * @param appliedOnce acknowledged commands found exactly once, at their index
   * @param appliedTwice acknowledged commands found more than once
   * @param lost acknowledged commands not found at all
   * @param misplaced acknowledged commands found once but at another index
   * @param examples up to five descriptions of problems
   */
  public record Verdict(int appliedOnce, int appliedTwice, int lost, int misplaced,
      List<String> examples) {
    public boolean clean() {
      return appliedTwice == 0 && lost == 0 && misplaced == 0;
    }
  }

  private OrderAudit() {}

  public static Verdict check(List<Acknowledged> acknowledged, OrderBookState state) {
    Map<String, Order> orders = new HashMap<>();
    state.orders().forEach(o -> orders.put(o.orderId(), o));
    int once = 0;
    int twice = 0;
    int lost = 0;
    int misplaced = 0;
    List<String> examples = new ArrayList<>();
    for (Acknowledged a : acknowledged) {
      String name = OrderScript.auditName(a.command());
      Order o = orders.get(a.command().orderId());
      List<AuditEntry> found = o == null ? List.of()
          : o.audit().stream().filter(e -> e.command().equals(name)).toList();
      String problem = null;
      if (found.isEmpty()) {
        lost++;
        problem = "lost";
      } else if (found.size() > 1) {
        twice++;
        problem = "applied " + found.size() + " times " + found;
      } else if (found.get(0).index() != a.index()) {
        misplaced++;
        problem = "at " + found.get(0).index();
      } else {
        once++;
      }
      if (problem != null && examples.size() < 5) {
        examples.add(name + " " + a.command().orderId() + " (acknowledged at " + a.index() + "): "
            + problem);
      }
    }
    return new Verdict(once, twice, lost, misplaced, List.copyOf(examples));
  }
}
