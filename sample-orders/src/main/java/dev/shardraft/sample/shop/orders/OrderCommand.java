package dev.shardraft.sample.shop.orders;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A command to an {@code orders-<k>} group, keyed by its order id. In the Raft log as Jackson CBOR
 * with the record's type name.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = OrderCommand.Place.class, name = "place"),
  @JsonSubTypes.Type(value = OrderCommand.ConfirmStock.class, name = "confirm"),
  @JsonSubTypes.Type(value = OrderCommand.RejectStock.class, name = "reject"),
  @JsonSubTypes.Type(value = OrderCommand.Pay.class, name = "pay"),
  @JsonSubTypes.Type(value = OrderCommand.Ship.class, name = "ship"),
  @JsonSubTypes.Type(value = OrderCommand.Cancel.class, name = "cancel")
})
public sealed interface OrderCommand {

  String orderId();

  /** The command's name in the audit. */
  String name();

  /**
   * Places an order (status {@code PLACED}, waiting for stock). Placing the same order again with
   * the same content is answered with the order as it is now (a client's retry); with other content
   * it is refused.
   */
  record Place(String orderId, String customer, List<OrderLine> lines, long amountCents)
      implements OrderCommand {
    public Place {
      requireId(orderId);
      if (customer == null || customer.isBlank()) {
        throw new IllegalArgumentException("an order needs a customer");
      }
      if (lines == null || lines.isEmpty()) {
        throw new IllegalArgumentException("an order needs at least one line");
      }
      lines = List.copyOf(lines);
      Set<String> skus = new HashSet<>();
      for (OrderLine l : lines) {
        if (!skus.add(l.sku())) {
          throw new IllegalArgumentException("sku " + l.sku() + " appears on two lines");
        }
      }
      if (amountCents < 0) {
        throw new IllegalArgumentException("amountCents must be >= 0, was " + amountCents);
      }
    }

    @Override
    public String name() {
      return "place";
    }
  }

  /** Every line's stock is reserved: {@code PLACED -> RESERVED}. */
  record ConfirmStock(String orderId) implements OrderCommand {
    public ConfirmStock {
      requireId(orderId);
    }

    @Override
    public String name() {
      return "confirm";
    }
  }

  /** A line's stock could not be reserved: {@code PLACED -> REJECTED}. */
  record RejectStock(String orderId, String reason) implements OrderCommand {
    public RejectStock {
      requireId(orderId);
      reason = reason == null ? "" : reason;
    }

    @Override
    public String name() {
      return "reject";
    }
  }

  /** Pays a reserved order with exactly its amount: {@code RESERVED -> PAID}. */
  record Pay(String orderId, long amountCents) implements OrderCommand {
    public Pay {
      requireId(orderId);
    }

    @Override
    public String name() {
      return "pay";
    }
  }

  /** Ships a paid order: {@code PAID -> SHIPPED}. */
  record Ship(String orderId) implements OrderCommand {
    public Ship {
      requireId(orderId);
    }

    @Override
    public String name() {
      return "ship";
    }
  }

  /** Cancels an order not yet shipped, rejected or cancelled. */
  record Cancel(String orderId, String reason) implements OrderCommand {
    public Cancel {
      requireId(orderId);
      reason = reason == null ? "" : reason;
    }

    @Override
    public String name() {
      return "cancel";
    }
  }

  private static void requireId(String orderId) {
    if (orderId == null || orderId.isBlank()) {
      throw new IllegalArgumentException("orderId must not be blank");
    }
  }
}
