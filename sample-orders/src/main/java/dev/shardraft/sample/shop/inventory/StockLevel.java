package dev.shardraft.sample.shop.inventory;

/** The figures of a {@link Stock}. */
public record StockLevel(String sku, long available, long reserved, long shipped, long restocked) {}
