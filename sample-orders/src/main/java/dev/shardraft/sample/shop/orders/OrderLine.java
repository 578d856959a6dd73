package dev.shardraft.sample.shop.orders;

/**
 * One line of an order: {@code quantity} units of {@code sku}.
 *
 * @param sku the article, non-blank
 * @param quantity at least 1
 */
public record OrderLine(String sku, int quantity) {

  public OrderLine {
    if (sku == null || sku.isBlank()) {
      throw new IllegalArgumentException("a line needs a sku");
    }
    if (quantity < 1) {
      throw new IllegalArgumentException("quantity of " + sku + " must be >= 1, was " + quantity);
    }
  }
}
