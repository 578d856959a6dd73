package dev.shardraft.sample.orders;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A read of the order book, answered by {@link OrdersStateMachine#query}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = OrderQuery.GetOrder.class, name = "get"),
  @JsonSubTypes.Type(value = OrderQuery.AllOrders.class, name = "all")
})
public sealed interface OrderQuery {

  /**
   * One order: answered {@link OrderQueryResult.OrderFound} or {@link
   * OrderQueryResult.OrderNotFound}.
   */
  record GetOrder(String orderId) implements OrderQuery {}

  /** The whole book: answered {@link OrderQueryResult.Book}. */
  record AllOrders() implements OrderQuery {}
}
