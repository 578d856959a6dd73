package dev.shardraft.sample.shop.orders;

/**
 * Where an order is in its life.
 *
 * <pre>
 * PLACED --stock confirmed--> RESERVED --pay--> PAID --ship--> SHIPPED
 *   |  \--stock rejected--> REJECTED
 *   \------ cancel (from PLACED, RESERVED or PAID) ------> CANCELLED
 * </pre>
 *
 * {@code PLACED} is the one waiting state: the order waits for its stock reservations.
 */
public enum OrderStatus {
  PLACED,
  RESERVED,
  REJECTED,
  PAID,
  SHIPPED,
  CANCELLED;

  /** Nothing can happen to the order any more. */
  public boolean isTerminal() {
    return this == REJECTED || this == SHIPPED || this == CANCELLED;
  }

  /** The order holds stock reservations (reserved, not yet shipped or released). */
  public boolean holdsStock() {
    return this == RESERVED || this == PAID;
  }
}
