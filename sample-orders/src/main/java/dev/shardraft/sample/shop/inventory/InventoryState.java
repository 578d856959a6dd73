package dev.shardraft.sample.shop.inventory;

import java.util.List;

/** The stock of one inventory group as a value (snapshots, {@code AllStock}), sorted by SKU. */
public record InventoryState(List<Stock> stock) {
  public InventoryState {
    stock = List.copyOf(stock);
  }
}
