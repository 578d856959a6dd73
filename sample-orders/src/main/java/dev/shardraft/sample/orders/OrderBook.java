package dev.shardraft.sample.orders;

import dev.shardraft.sample.orders.OrderCommand.CancelOrder;
import dev.shardraft.sample.orders.OrderCommand.PayOrder;
import dev.shardraft.sample.orders.OrderCommand.PlaceOrder;
import dev.shardraft.sample.orders.OrderCommand.ShipOrder;
import dev.shardraft.sample.orders.OrderEvent.OrderCancelled;
import dev.shardraft.sample.orders.OrderEvent.OrderPaid;
import dev.shardraft.sample.orders.OrderEvent.OrderPlaced;
import dev.shardraft.sample.orders.OrderEvent.OrderShipped;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The orders and their business rules. Deterministic: the decision depends only on the current
 * state and the command (no clock, no randomness); orders are kept sorted by id so that the state's
 * encoding is the same on every replica.
 *
 * <ul>
 *   <li>{@code place}: refused if the order id exists (the existing order's audit records it).
 *   <li>{@code pay}: only a {@code PLACED} order, with exactly its total.
 *   <li>{@code ship}: only a {@code PAID} order ("cannot ship an unpaid order").
 *   <li>{@code cancel}: a {@code PLACED} or {@code PAID} order (a paid one is refunded); not a
 *       shipped or already cancelled one.
 *   <li>Any command but {@code place} on an unknown order is refused and counted.
 * </ul>
 *
 * Every accepted command yields exactly one {@link OrderEvent}; a refused one yields none.
 */
public final class OrderBook {

  /** The outcome of one command. */
  public record Decision(OrderReply reply, Optional<OrderEvent> event) {}

  private final TreeMap<String, Order> orders = new TreeMap<>();
  private long commandsApplied;
  private long refusedUnknownOrder;

  /** Applies {@code command}, committed at log index {@code index}. */
  public Decision apply(long index, OrderCommand command) {
    commandsApplied++;
    if (command instanceof PlaceOrder p) {
      return place(index, p);
    }
    Order order = orders.get(command.orderId());
    if (order == null) {
      refusedUnknownOrder++;
      return refused(command.orderId(), "unknown order " + command.orderId());
    }
    if (command instanceof PayOrder p) {
      return pay(index, order, p);
    } else if (command instanceof ShipOrder s) {
      return ship(index, order, s);
    } else {
      return cancel(index, order, (CancelOrder) command);
    }
  }

  private Decision place(long index, PlaceOrder p) {
    Order existing = orders.get(p.orderId());
    if (existing != null) {
      orders.put(p.orderId(), existing.audited(new AuditEntry(index, "place", false)));
      return refused(p.orderId(), "order " + p.orderId() + " already exists");
    }
    long total = p.totalCents();
    orders.put(
        p.orderId(),
        new Order(
            p.orderId(),
            p.customer(),
            p.lines(),
            total,
            0,
            OrderStatus.PLACED,
            List.of(new AuditEntry(index, "place", true))));
    return accepted(
        p.orderId(),
        OrderStatus.PLACED,
        new OrderPlaced(p.orderId(), p.customer(), p.lines(), total));
  }

  private Decision pay(long index, Order order, PayOrder p) {
    String refusal =
        switch (order.status()) {
          case CANCELLED -> "cannot pay a cancelled order";
          case PAID, SHIPPED -> "order is already paid";
          case PLACED ->
              p.amountCents() != order.totalCents()
                  ? "amount " + p.amountCents() + " does not match the total " + order.totalCents()
                  : null;
        };
    if (refusal != null) {
      return refuse(index, order, "pay", refusal);
    }
    orders.put(
        order.orderId(),
        order.with(OrderStatus.PAID, p.amountCents(), new AuditEntry(index, "pay", true)));
    return accepted(
        order.orderId(), OrderStatus.PAID, new OrderPaid(order.orderId(), p.amountCents()));
  }

  private Decision ship(long index, Order order, ShipOrder s) {
    String refusal =
        switch (order.status()) {
          case PLACED -> "cannot ship an unpaid order";
          case CANCELLED -> "cannot ship a cancelled order";
          case SHIPPED -> "order is already shipped";
          case PAID -> null;
        };
    if (refusal != null) {
      return refuse(index, order, "ship", refusal);
    }
    orders.put(
        order.orderId(),
        order.with(OrderStatus.SHIPPED, order.paidCents(), new AuditEntry(index, "ship", true)));
    return accepted(order.orderId(), OrderStatus.SHIPPED, new OrderShipped(order.orderId()));
  }

  private Decision cancel(long index, Order order, CancelOrder c) {
    String refusal =
        switch (order.status()) {
          case SHIPPED -> "cannot cancel a shipped order";
          case CANCELLED -> "order is already cancelled";
          case PLACED, PAID -> null;
        };
    if (refusal != null) {
      return refuse(index, order, "cancel", refusal);
    }
    long refund = order.paidCents();
    orders.put(
        order.orderId(),
        order.with(OrderStatus.CANCELLED, 0, new AuditEntry(index, "cancel", true)));
    return accepted(
        order.orderId(),
        OrderStatus.CANCELLED,
        new OrderCancelled(order.orderId(), c.reason(), refund));
  }

  private Decision refuse(long index, Order order, String command, String reason) {
    orders.put(order.orderId(), order.audited(new AuditEntry(index, command, false)));
    return refused(order.orderId(), reason);
  }

  private static Decision accepted(String orderId, OrderStatus status, OrderEvent event) {
    return new Decision(new OrderReply.Accepted(orderId, status), Optional.of(event));
  }

  private static Decision refused(String orderId, String reason) {
    return new Decision(new OrderReply.Refused(orderId, reason), Optional.empty());
  }

  /** One order, if it exists. */
  public Optional<Order> order(String orderId) {
    return Optional.ofNullable(orders.get(orderId));
  }

  /** The whole book as a value. */
  public OrderBookState state() {
    return new OrderBookState(List.copyOf(orders.values()), commandsApplied, refusedUnknownOrder);
  }

  /** Replaces everything with {@code state}. */
  public void replaceWith(OrderBookState state) {
    orders.clear();
    state.orders().forEach(o -> orders.put(o.orderId(), o));
    commandsApplied = state.commandsApplied();
    refusedUnknownOrder = state.refusedUnknownOrder();
  }
}
