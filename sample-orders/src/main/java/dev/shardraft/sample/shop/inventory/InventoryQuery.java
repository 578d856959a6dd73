package dev.shardraft.sample.shop.inventory;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A read of an inventory group. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = InventoryQuery.GetStock.class, name = "get"),
  @JsonSubTypes.Type(value = InventoryQuery.AllStock.class, name = "all")
})
public sealed interface InventoryQuery {

  /** One SKU: answered with {@link InventoryQueryResult.StockFound} or {@code StockNotFound}. */
  record GetStock(String sku) implements InventoryQuery {}

  /** The group's whole state: answered with {@link InventoryQueryResult.All}. */
  record AllStock() implements InventoryQuery {}
}
