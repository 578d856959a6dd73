package dev.shardraft.sample.shop.orders;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.shardraft.sample.shop.domain.Refusal;
import java.util.Optional;

/** An orders group's answer to an {@link OrderCommand}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = OrderReply.Accepted.class, name = "accepted"),
  @JsonSubTypes.Type(value = OrderReply.Refused.class, name = "refused")
})
public sealed interface OrderReply {

  String orderId();

  /** The command was carried out (or was a repeat of a place); the order as it is now. */
  record Accepted(String orderId, Order order) implements OrderReply {}

  /**
   * A business rule refused the command; nothing changed but the order's audit.
   *
   * @param order the order as it is, if it exists
   */
  record Refused(String orderId, Refusal refusal, String reason, Optional<Order> order)
      implements OrderReply {}
}
