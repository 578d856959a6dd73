package dev.shardraft.sample.shop.node;

import java.util.List;

/**
 * The JSON bodies the HTTP API takes. Fields are boxed so that a missing one is told apart from a
 * zero and named in the 400 answer; unknown fields are refused.
 */
final class ShopRequests {
  private ShopRequests() {}

  /** {@code POST /orders}. */
  record PlaceOrder(String orderId, String customer, List<Line> lines, Long amountCents) {}

  /** One line of {@link PlaceOrder}. */
  record Line(String sku, Integer quantity) {}

  /** {@code POST /orders/{id}/pay}. */
  record Pay(Long amountCents) {}

  /** {@code POST /orders/{id}/cancel}; the reason may be left out. */
  record Cancel(String reason) {}

  /** {@code POST /inventory/{sku}/restock}. */
  record Restock(Integer quantity) {}

  static <T> T required(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException("field '" + field + "' is required");
    }
    return value;
  }
}
