package dev.shardraft.sample.orders;

import java.util.Objects;

/**
 * One line of an order.
 *
 * @param sku the article
 * @param quantity at least 1
 * @param unitPriceCents price of one unit, in cents, at least 0
 */
public record OrderLine(String sku, int quantity, long unitPriceCents) {

  public OrderLine {
    Objects.requireNonNull(sku, "sku");
    if (sku.isBlank() || quantity < 1 || unitPriceCents < 0) {
      throw new IllegalArgumentException(
          "need a sku, quantity >= 1 and unitPriceCents >= 0, got "
              + sku
              + " x"
              + quantity
              + " at "
              + unitPriceCents);
    }
  }

  /** {@code quantity * unitPriceCents}. */
  public long totalCents() {
    return Math.multiplyExact(quantity, unitPriceCents);
  }
}
