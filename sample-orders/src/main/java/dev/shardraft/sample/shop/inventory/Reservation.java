package dev.shardraft.sample.shop.inventory;

/**
 * One order's units of one SKU.
 *
 * @param quantity 0 for a release mark (released before anything was reserved)
 */
public record Reservation(String orderId, int quantity, State state) {

  /** Where a reservation is. */
  public enum State {
    RESERVED,
    RELEASED,
    COMMITTED
  }
}
