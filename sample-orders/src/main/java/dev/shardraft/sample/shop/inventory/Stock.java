package dev.shardraft.sample.shop.inventory;

import java.util.List;

/**
 * The stock of one SKU. Invariant, kept by {@link InventoryBook}: {@code restocked = available +
 * reserved + shipped}, no figure negative, {@code reserved} the sum of the RESERVED reservations
 * and {@code shipped} that of the COMMITTED ones.
 *
 * @param reservations by order id
 */
public record Stock(
    String sku,
    long available,
    long reserved,
    long shipped,
    long restocked,
    List<Reservation> reservations) {

  public Stock {
    reservations = List.copyOf(reservations);
  }

  /** The figures without the reservations. */
  public StockLevel level() {
    return new StockLevel(sku, available, reserved, shipped, restocked);
  }
}
