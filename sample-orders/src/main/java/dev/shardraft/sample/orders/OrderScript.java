package dev.shardraft.sample.orders;

import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic stream of commands for one client: its orders are placed, paid and shipped, or
 * placed and cancelled (every fourth order), and one command breaks a rule (shipping an unpaid
 * order) every fifth order. Each {@code (orderId, command type)} occurs at most once, so a
 * replica's audit tells exactly how often each command was applied.
 */
public final class OrderScript {

  private OrderScript() {}

  /** Three commands per order, for {@code orders} orders with ids {@code <prefix>-<n>}. */
  public static List<OrderCommand> commands(String prefix, int orders) {
    List<OrderCommand> all = new ArrayList<>();
    for (int n = 0; n < orders; n++) {
      String id = prefix + "-" + n;
      OrderCommand.PlaceOrder place =
          new OrderCommand.PlaceOrder(
              id,
              "customer-" + (n % 7),
              List.of(new OrderLine("sku-" + (n % 11), 1 + n % 3, 100 + n)));
      all.add(place);
      if (n % 4 == 3) {
        all.add(new OrderCommand.CancelOrder(id, "changed mind"));
        all.add(new OrderCommand.PayOrder(id, place.totalCents())); // refused: cancelled
      } else if (n % 5 == 4) {
        all.add(new OrderCommand.ShipOrder(id)); // refused: unpaid
        all.add(new OrderCommand.PayOrder(id, place.totalCents()));
      } else {
        all.add(new OrderCommand.PayOrder(id, place.totalCents()));
        all.add(new OrderCommand.ShipOrder(id));
      }
    }
    return all;
  }

  /** The audit name of a command's type, as {@link OrderBook} records it. */
  public static String auditName(OrderCommand c) {
    if (c instanceof OrderCommand.PlaceOrder) {
      return "place";
    } else if (c instanceof OrderCommand.PayOrder) {
      return "pay";
    } else if (c instanceof OrderCommand.ShipOrder) {
      return "ship";
    }
    return "cancel";
  }
}
