package dev.shardraft.sample.orders;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks acknowledged commands against one replica's state: each acknowledged command must appear
 * in its order's audit exactly once, at the index it was acknowledged with. Commands must be unique
 * per {@code (orderId, command type)} (as {@link OrderScript} makes them).
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
   */
  public record Verdict(
      int appliedOnce,
      List<Acknowledged> appliedTwice,
      List<Acknowledged> lost,
      List<Acknowledged> misplaced) {
    public Verdict {
      appliedTwice = List.copyOf(appliedTwice);
      lost = List.copyOf(lost);
      misplaced = List.copyOf(misplaced);
    }

    /** Nothing applied twice, lost or misplaced. */
    public boolean clean() {
      return appliedTwice.isEmpty() && lost.isEmpty() && misplaced.isEmpty();
    }

    @Override
    public String toString() {
      return "Verdict[once="
          + appliedOnce
          + ", twice="
          + first(appliedTwice)
          + ", lost="
          + first(lost)
          + ", misplaced="
          + first(misplaced)
          + "]";
    }

    private static String first(List<Acknowledged> l) {
      return l.size() + (l.isEmpty() ? "" : " e.g. " + l.subList(0, Math.min(3, l.size())));
    }
  }

  private OrderAudit() {}

  /** Checks {@code acknowledged} against one replica's {@code state}. */
  public static Verdict check(List<Acknowledged> acknowledged, OrderBookState state) {
    Map<String, Order> orders = new HashMap<>();
    state.orders().forEach(o -> orders.put(o.orderId(), o));
    int once = 0;
    List<Acknowledged> twice = new ArrayList<>();
    List<Acknowledged> lost = new ArrayList<>();
    List<Acknowledged> misplaced = new ArrayList<>();
    for (Acknowledged a : acknowledged) {
      String name = OrderScript.auditName(a.command());
      Order o = orders.get(a.command().orderId());
      List<AuditEntry> found =
          o == null ? List.of() : o.audit().stream().filter(e -> e.command().equals(name)).toList();
      if (found.isEmpty()) {
        lost.add(a);
      } else if (found.size() > 1) {
        twice.add(a);
      } else if (found.get(0).index() != a.index()) {
        misplaced.add(a);
      } else {
        once++;
      }
    }
    return new Verdict(once, twice, lost, misplaced);
  }
}
