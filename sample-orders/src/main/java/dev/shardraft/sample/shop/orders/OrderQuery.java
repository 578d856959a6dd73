package dev.shardraft.sample.shop.orders;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A read of an orders group, answered by {@link OrdersStateMachine#query}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = OrderQuery.GetOrder.class, name = "get"),
  @JsonSubTypes.Type(value = OrderQuery.AllOrders.class, name = "all")
})
public sealed interface OrderQuery {

  /** One order: answered with an {@link OrderQueryResult.OrderFound} or {@code OrderNotFound}. */
  record GetOrder(String orderId) implements OrderQuery {}

  /** The group's whole book: answered with an {@link OrderQueryResult.Book}. */
  record AllOrders() implements OrderQuery {}
}
