package dev.shardraft.sample.shop.inventory;

import dev.shardraft.sample.shop.domain.Refusal;
import dev.shardraft.sample.shop.inventory.InventoryCommand.Commit;
import dev.shardraft.sample.shop.inventory.InventoryCommand.Release;
import dev.shardraft.sample.shop.inventory.InventoryCommand.Reserve;
import dev.shardraft.sample.shop.inventory.InventoryCommand.Restock;
import dev.shardraft.sample.shop.inventory.Reservation.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The stock of the SKUs of one group. Deterministic, sorted by SKU and order id. Stock is never
 * negative: a reserve larger than what is available is refused (INSUFFICIENT_STOCK).
 *
 * <table>
 *   <caption>The reservation of one order, by command (else refused, CONFLICT)</caption>
 *   <tr><th>command</th><th>none</th><th>RESERVED</th><th>RELEASED</th><th>COMMITTED</th></tr>
 *   <tr><td>reserve q</td><td>RESERVED (if q available)</td><td>same q: no change</td>
 *       <td>refused</td><td>same q: no change</td></tr>
 *   <tr><td>release</td><td>RELEASED mark (q=0)</td><td>RELEASED, q back</td><td>no change</td>
 *       <td>refused</td></tr>
 *   <tr><td>commit</td><td>refused</td><td>COMMITTED, q shipped</td><td>refused</td>
 *       <td>no change</td></tr>
 * </table>
 */
public final class InventoryBook {

  private final TreeMap<String, Stock> stock = new TreeMap<>();

  public InventoryReply apply(InventoryCommand command) {
    String sku = command.sku();
    Stock s = stock.getOrDefault(sku, new Stock(sku, 0, 0, 0, 0, List.of()));
    TreeMap<String, Reservation> rs = new TreeMap<>();
    s.reservations().forEach(r -> rs.put(r.orderId(), r));
    long available = s.available();
    long reserved = s.reserved();
    long shipped = s.shipped();
    long restocked = s.restocked();
    if (command instanceof Restock r) {
      available += r.quantity();
      restocked += r.quantity();
    } else if (command instanceof Reserve r) {
      Reservation before = rs.get(r.orderId());
      if (before == null) {
        if (r.quantity() > available) {
          return refused(
              sku,
              Refusal.INSUFFICIENT_STOCK,
              "only " + available + " of " + sku + " available, " + r.quantity() + " asked");
        }
        available -= r.quantity();
        reserved += r.quantity();
        rs.put(r.orderId(), new Reservation(r.orderId(), r.quantity(), State.RESERVED));
      } else if (before.state() == State.RELEASED) {
        return refused(sku, Refusal.CONFLICT, "reservation of " + r.orderId() + " was released");
      } else if (before.quantity() != r.quantity()) {
        return refused(
            sku,
            Refusal.CONFLICT,
            r.orderId() + " already holds " + before.quantity() + " of " + sku);
      }
    } else if (command instanceof Release r) {
      Reservation before = rs.get(r.orderId());
      if (before == null) {
        rs.put(r.orderId(), new Reservation(r.orderId(), 0, State.RELEASED));
      } else if (before.state() == State.COMMITTED) {
        return refused(sku, Refusal.CONFLICT, r.orderId() + " already shipped its " + sku);
      } else if (before.state() == State.RESERVED) {
        available += before.quantity();
        reserved -= before.quantity();
        rs.put(r.orderId(), new Reservation(r.orderId(), before.quantity(), State.RELEASED));
      }
    } else {
      Commit c = (Commit) command;
      Reservation before = rs.get(c.orderId());
      if (before == null || before.state() == State.RELEASED) {
        return refused(sku, Refusal.CONFLICT, c.orderId() + " holds no reservation of " + sku);
      }
      if (before.state() == State.RESERVED) {
        reserved -= before.quantity();
        shipped += before.quantity();
        rs.put(c.orderId(), new Reservation(c.orderId(), before.quantity(), State.COMMITTED));
      }
    }
    Stock next =
        new Stock(sku, available, reserved, shipped, restocked, new ArrayList<>(rs.values()));
    stock.put(sku, next);
    return new InventoryReply.Done(sku, next.level());
  }

  private static InventoryReply refused(String sku, Refusal refusal, String reason) {
    return new InventoryReply.Refused(sku, refusal, reason);
  }

  public Optional<Stock> stock(String sku) {
    return Optional.ofNullable(stock.get(sku));
  }

  public InventoryState state() {
    return new InventoryState(List.copyOf(stock.values()));
  }

  public void replaceWith(InventoryState state) {
    stock.clear();
    state.stock().forEach(s -> stock.put(s.sku(), s));
  }
}
