package dev.shardraft.sample.orders;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** The order book's answer to an {@link OrderCommand}: accepted, or refused by a business rule. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = OrderReply.Accepted.class, name = "accepted"),
  @JsonSubTypes.Type(value = OrderReply.Refused.class, name = "refused")
})
public sealed interface OrderReply {

  String orderId();

  /** The command was carried out; the order is now in {@code status}. */
  record Accepted(String orderId, OrderStatus status) implements OrderReply {}

  /** A business rule refused the command; the state did not change (except the audit). */
  record Refused(String orderId, String reason) implements OrderReply {}
}
