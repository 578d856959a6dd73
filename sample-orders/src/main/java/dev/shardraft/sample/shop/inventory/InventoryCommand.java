package dev.shardraft.sample.shop.inventory;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A command to an {@code inventory-<k>} group, keyed by SKU. Jackson CBOR in the Raft log. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = InventoryCommand.Restock.class, name = "restock"),
  @JsonSubTypes.Type(value = InventoryCommand.Reserve.class, name = "reserve"),
  @JsonSubTypes.Type(value = InventoryCommand.Release.class, name = "release"),
  @JsonSubTypes.Type(value = InventoryCommand.Commit.class, name = "commit")
})
public sealed interface InventoryCommand {

  String sku();

  /** Adds {@code quantity} (at least 1) units to the available stock. */
  record Restock(String sku, int quantity) implements InventoryCommand {
    public Restock {
      requireSku(sku);
      if (quantity < 1) {
        throw new IllegalArgumentException("restock quantity must be >= 1, was " + quantity);
      }
    }
  }

  /**
   * Reserves {@code quantity} units for {@code orderId}; idempotent per order (a repeat is answered
   * as the first), refused if not enough is available or the order's reservation was released.
   */
  record Reserve(String sku, String orderId, int quantity) implements InventoryCommand {
    public Reserve {
      requireSku(sku);
      requireOrder(orderId);
      if (quantity < 1) {
        throw new IllegalArgumentException("reserve quantity must be >= 1, was " + quantity);
      }
    }
  }

  /**
   * Gives an order's reserved units back. Idempotent; releasing an order that has no reservation
   * leaves a mark, so that a reserve arriving later for it is refused (it can never leak stock).
   */
  record Release(String sku, String orderId) implements InventoryCommand {
    public Release {
      requireSku(sku);
      requireOrder(orderId);
    }
  }

  /** The order shipped: its reserved units leave the stock. Idempotent. */
  record Commit(String sku, String orderId) implements InventoryCommand {
    public Commit {
      requireSku(sku);
      requireOrder(orderId);
    }
  }

  private static void requireSku(String sku) {
    if (sku == null || sku.isBlank()) {
      throw new IllegalArgumentException("sku must not be blank");
    }
  }

  private static void requireOrder(String orderId) {
    if (orderId == null || orderId.isBlank()) {
      throw new IllegalArgumentException("orderId must not be blank");
    }
  }
}
