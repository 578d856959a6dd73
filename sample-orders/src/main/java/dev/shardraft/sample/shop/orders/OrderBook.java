package dev.shardraft.sample.shop.orders;

import dev.shardraft.sample.shop.domain.Refusal;
import dev.shardraft.sample.shop.orders.OrderCommand.Cancel;
import dev.shardraft.sample.shop.orders.OrderCommand.ConfirmStock;
import dev.shardraft.sample.shop.orders.OrderCommand.Pay;
import dev.shardraft.sample.shop.orders.OrderCommand.Place;
import dev.shardraft.sample.shop.orders.OrderCommand.RejectStock;
import dev.shardraft.sample.shop.orders.OrderCommand.Ship;
import dev.shardraft.sample.shop.orders.OrderEvent.OrderCancelled;
import dev.shardraft.sample.shop.orders.OrderEvent.OrderPaid;
import dev.shardraft.sample.shop.orders.OrderEvent.OrderPlaced;
import dev.shardraft.sample.shop.orders.OrderEvent.OrderShipped;
import dev.shardraft.sample.shop.orders.OrderEvent.StockConfirmed;
import dev.shardraft.sample.shop.orders.OrderEvent.StockRejected;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The orders of one group and their lifecycle. Deterministic: a decision depends only on the state
 * and the command; orders are sorted by id so that the state encodes alike on every replica.
 *
 * <table>
 *   <caption>Which command is accepted in which status (else refused, CONFLICT)</caption>
 *   <tr><th>command</th><th>from</th><th>to</th></tr>
 *   <tr><td>place</td><td>(none)</td><td>PLACED; a repeat with the same content answers the
 *       order as it is</td></tr>
 *   <tr><td>confirm</td><td>PLACED</td><td>RESERVED</td></tr>
 *   <tr><td>reject</td><td>PLACED</td><td>REJECTED</td></tr>
 *   <tr><td>pay</td><td>RESERVED, with exactly the amount</td><td>PAID</td></tr>
 *   <tr><td>ship</td><td>PAID</td><td>SHIPPED</td></tr>
 *   <tr><td>cancel</td><td>PLACED, RESERVED, PAID</td><td>CANCELLED (a paid order is
 *       refunded)</td></tr>
 * </table>
 *
 * Any command but place on an unknown order is refused with NOT_FOUND.
 */
public final class OrderBook {

  /** The outcome of one command. */
  public record Decision(OrderReply reply, Optional<OrderEvent> event) {}

  private final TreeMap<String, Order> orders = new TreeMap<>();
  private long commandsApplied;

  /** Applies {@code command}, committed at log index {@code index}. */
  public Decision apply(long index, OrderCommand command) {
    commandsApplied++;
    if (command instanceof Place p) {
      return place(index, p);
    }
    Order order = orders.get(command.orderId());
    if (order == null) {
      return new Decision(
          new OrderReply.Refused(
              command.orderId(),
              Refusal.NOT_FOUND,
              "no order " + command.orderId(),
              Optional.empty()),
          Optional.empty());
    }
    String refusal = refusal(order, command);
    if (refusal != null) {
      Order audited = order.audited(new AuditEntry(index, command.name(), false));
      orders.put(order.orderId(), audited);
      return new Decision(
          new OrderReply.Refused(order.orderId(), Refusal.CONFLICT, refusal, Optional.of(audited)),
          Optional.empty());
    }
    AuditEntry entry = new AuditEntry(index, command.name(), true);
    Order next;
    OrderEvent event;
    if (command instanceof ConfirmStock) {
      next = order.moved(OrderStatus.RESERVED, "", entry);
      event = new StockConfirmed(order.orderId());
    } else if (command instanceof RejectStock r) {
      next = order.moved(OrderStatus.REJECTED, r.reason(), entry);
      event = new StockRejected(order.orderId(), r.reason(), order.lines());
    } else if (command instanceof Pay p) {
      next = order.moved(OrderStatus.PAID, "", entry);
      event = new OrderPaid(order.orderId(), order.customer(), p.amountCents());
    } else if (command instanceof Ship) {
      next = order.moved(OrderStatus.SHIPPED, "", entry);
      event = new OrderShipped(order.orderId(), order.lines());
    } else {
      Cancel c = (Cancel) command;
      long refund = order.status() == OrderStatus.PAID ? order.amountCents() : 0;
      next = order.moved(OrderStatus.CANCELLED, c.reason(), entry);
      event = new OrderCancelled(order.orderId(), c.reason(), refund, order.lines());
    }
    orders.put(order.orderId(), next);
    return new Decision(new OrderReply.Accepted(order.orderId(), next), Optional.of(event));
  }

  /** Why {@code command} may not be applied to {@code order} now, or null if it may. */
  static String refusal(Order order, OrderCommand command) {
    OrderStatus s = order.status();
    if (s.isTerminal()) {
      return "order " + order.orderId() + " is " + s + ": nothing more can happen to it";
    }
    if (command instanceof ConfirmStock || command instanceof RejectStock) {
      return s == OrderStatus.PLACED ? null : "stock of the order was already decided (" + s + ")";
    }
    if (command instanceof Pay p) {
      if (s == OrderStatus.PLACED) {
        return "cannot pay before the stock is reserved";
      }
      if (s == OrderStatus.PAID) {
        return "order is already paid";
      }
      return p.amountCents() == order.amountCents()
          ? null
          : "amount " + p.amountCents() + " does not match the order's " + order.amountCents();
    }
    if (command instanceof Ship) {
      return s == OrderStatus.PAID ? null : "cannot ship an unpaid order (" + s + ")";
    }
    return null; // cancel: PLACED, RESERVED and PAID may be cancelled
  }

  private Decision place(long index, Place p) {
    Order existing = orders.get(p.orderId());
    if (existing != null) {
      boolean same =
          existing.customer().equals(p.customer())
              && existing.lines().equals(p.lines())
              && existing.amountCents() == p.amountCents();
      if (same) {
        return new Decision(new OrderReply.Accepted(p.orderId(), existing), Optional.empty());
      }
      Order audited = existing.audited(new AuditEntry(index, "place", false));
      orders.put(p.orderId(), audited);
      return new Decision(
          new OrderReply.Refused(
              p.orderId(),
              Refusal.CONFLICT,
              "order " + p.orderId() + " exists with other content",
              Optional.of(audited)),
          Optional.empty());
    }
    Order order =
        new Order(
            p.orderId(),
            p.customer(),
            p.lines(),
            p.amountCents(),
            OrderStatus.PLACED,
            "",
            List.of(new AuditEntry(index, "place", true)));
    orders.put(p.orderId(), order);
    return new Decision(
        new OrderReply.Accepted(p.orderId(), order),
        Optional.of(new OrderPlaced(p.orderId(), p.customer(), p.lines(), p.amountCents())));
  }

  public Optional<Order> order(String orderId) {
    return Optional.ofNullable(orders.get(orderId));
  }

  /** The whole book as a value. */
  public OrderBookState state() {
    return new OrderBookState(List.copyOf(orders.values()), commandsApplied);
  }

  /** Replaces everything with {@code state}. */
  public void replaceWith(OrderBookState state) {
    orders.clear();
    state.orders().forEach(o -> orders.put(o.orderId(), o));
    commandsApplied = state.commandsApplied();
  }
}
