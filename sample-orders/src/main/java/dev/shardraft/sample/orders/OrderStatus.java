package dev.shardraft.sample.orders;

/** Where an order is in its life: placed, then paid, then shipped; or cancelled before shipping. */
public enum OrderStatus {
  PLACED,
  PAID,
  SHIPPED,
  CANCELLED
}
