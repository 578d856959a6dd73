package dev.shardraft.sample.shop.orders;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What happened to an order, one event per accepted command, none for a refused one or a repeated
 * place. Encoded as JSON (schema in docs/SHOP.md), so any consumer can read it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = OrderEvent.OrderPlaced.class, name = "OrderPlaced"),
  @JsonSubTypes.Type(value = OrderEvent.StockConfirmed.class, name = "StockConfirmed"),
  @JsonSubTypes.Type(value = OrderEvent.StockRejected.class, name = "StockRejected"),
  @JsonSubTypes.Type(value = OrderEvent.OrderPaid.class, name = "OrderPaid"),
  @JsonSubTypes.Type(value = OrderEvent.OrderShipped.class, name = "OrderShipped"),
  @JsonSubTypes.Type(value = OrderEvent.OrderCancelled.class, name = "OrderCancelled")
})
public sealed interface OrderEvent {

  String orderId();

  /** The type name (also in the JSON's {@code type} field). */
  default String typeName() {
    return getClass().getSimpleName();
  }

  record OrderPlaced(String orderId, String customer, List<OrderLine> lines, long amountCents)
      implements OrderEvent {
    public OrderPlaced {
      lines = List.copyOf(lines);
    }
  }

  record StockConfirmed(String orderId) implements OrderEvent {}

  /** {@code lines}: the order's lines, whose reservations the saga releases. */
  record StockRejected(String orderId, String reason, List<OrderLine> lines) implements OrderEvent {
    public StockRejected {
      lines = List.copyOf(lines);
    }
  }

  record OrderPaid(String orderId, String customer, long amountCents) implements OrderEvent {}

  /** {@code lines}: the order's lines, whose reservations the saga commits. */
  record OrderShipped(String orderId, List<OrderLine> lines) implements OrderEvent {
    public OrderShipped {
      lines = List.copyOf(lines);
    }
  }

  /**
   * {@code refundCents}: what was paid and is given back (0 if it was not paid); {@code lines}: the
   * order's lines, whose reservations the saga releases.
   */
  record OrderCancelled(String orderId, String reason, long refundCents, List<OrderLine> lines)
      implements OrderEvent {
    public OrderCancelled {
      lines = List.copyOf(lines);
    }
  }
}
