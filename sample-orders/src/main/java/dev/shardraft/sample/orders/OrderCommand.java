package dev.shardraft.sample.orders;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Objects;

/**
 * A command to the order book. Encoded in the Raft log by {@link OrderCodecs#COMMANDS} (Jackson
 * CBOR, the record's type as a name, never a class name).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = OrderCommand.PlaceOrder.class, name = "place"),
  @JsonSubTypes.Type(value = OrderCommand.PayOrder.class, name = "pay"),
  @JsonSubTypes.Type(value = OrderCommand.ShipOrder.class, name = "ship"),
  @JsonSubTypes.Type(value = OrderCommand.CancelOrder.class, name = "cancel")
})
public sealed interface OrderCommand {

  /** The order the command is about. */
  String orderId();

  /** Places a new order; refused if {@code orderId} exists. */
  record PlaceOrder(String orderId, String customer, List<OrderLine> lines)
      implements OrderCommand {
    public PlaceOrder {
      requireId(orderId);
      Objects.requireNonNull(customer, "customer");
      lines = List.copyOf(lines);
      if (lines.isEmpty()) {
        throw new IllegalArgumentException("an order needs at least one line: " + orderId);
      }
    }

    /** The sum of the lines. */
    public long totalCents() {
      return lines.stream().mapToLong(OrderLine::totalCents).reduce(0, Math::addExact);
    }
  }

  /** Pays a placed order; the amount must be its total. */
  record PayOrder(String orderId, long amountCents) implements OrderCommand {
    public PayOrder {
      requireId(orderId);
    }
  }

  /** Ships a paid order. */
  record ShipOrder(String orderId) implements OrderCommand {
    public ShipOrder {
      requireId(orderId);
    }
  }

  /** Cancels an order that was not shipped yet. */
  record CancelOrder(String orderId, String reason) implements OrderCommand {
    public CancelOrder {
      requireId(orderId);
      Objects.requireNonNull(reason, "reason");
    }
  }

  private static void requireId(String orderId) {
    if (orderId == null || orderId.isBlank()) {
      throw new IllegalArgumentException("orderId must not be blank");
    }
  }
}
