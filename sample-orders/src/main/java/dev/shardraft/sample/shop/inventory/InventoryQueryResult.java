package dev.shardraft.sample.shop.inventory;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** The answer to an {@link InventoryQuery}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = InventoryQueryResult.StockFound.class, name = "found"),
  @JsonSubTypes.Type(value = InventoryQueryResult.StockNotFound.class, name = "not-found"),
  @JsonSubTypes.Type(value = InventoryQueryResult.All.class, name = "all")
})
public sealed interface InventoryQueryResult {

  record StockFound(Stock stock) implements InventoryQueryResult {}

  record StockNotFound(String sku) implements InventoryQueryResult {}

  record All(InventoryState state) implements InventoryQueryResult {}
}
