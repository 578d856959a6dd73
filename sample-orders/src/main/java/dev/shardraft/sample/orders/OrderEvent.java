package dev.shardraft.sample.orders;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What happened to an order, for downstream services (the {@code orders-events} topic). Exactly one
 * event per accepted command, none for a refused one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = OrderEvent.OrderPlaced.class, name = "OrderPlaced"),
  @JsonSubTypes.Type(value = OrderEvent.OrderPaid.class, name = "OrderPaid"),
  @JsonSubTypes.Type(value = OrderEvent.OrderShipped.class, name = "OrderShipped"),
  @JsonSubTypes.Type(value = OrderEvent.OrderCancelled.class, name = "OrderCancelled")
})
public sealed interface OrderEvent {

  String orderId();

  /** The stable type name (also the events topic's {@code sr.event.type} header). */
  default String typeName() {
    return getClass().getSimpleName();
  }

  record OrderPlaced(String orderId, String customer, List<OrderLine> lines, long totalCents)
      implements OrderEvent {
    public OrderPlaced {
      lines = List.copyOf(lines);
    }
  }

  record OrderPaid(String orderId, long amountCents) implements OrderEvent {}

  record OrderShipped(String orderId) implements OrderEvent {}

  /** {@code refundCents}: what was paid and is given back (0 if it was not paid). */
  record OrderCancelled(String orderId, String reason, long refundCents) implements OrderEvent {}
}
