package dev.shardraft.sample.shop.orders;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** The answer to an {@link OrderQuery}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = OrderQueryResult.OrderFound.class, name = "found"),
  @JsonSubTypes.Type(value = OrderQueryResult.OrderNotFound.class, name = "not-found"),
  @JsonSubTypes.Type(value = OrderQueryResult.Book.class, name = "book")
})
public sealed interface OrderQueryResult {

  record OrderFound(Order order) implements OrderQueryResult {}

  record OrderNotFound(String orderId) implements OrderQueryResult {}

  record Book(OrderBookState state) implements OrderQueryResult {}
}
