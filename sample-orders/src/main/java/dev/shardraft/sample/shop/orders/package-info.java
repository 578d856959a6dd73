/**
 * The orders of the sample: {@code orders-<k>} groups keyed by order id. {@link
 * dev.shardraft.sample.shop.orders.OrderBook} enforces the lifecycle ({@link
 * dev.shardraft.sample.shop.orders.OrderStatus}) and refuses a violation with a reason; {@link
 * dev.shardraft.sample.shop.orders.OrdersStateMachine} adapts it to the replica's port. Every order
 * keeps an audit of the commands applied to it, so the committed state shows whether a command was
 * applied once, twice or never.
 */
package dev.shardraft.sample.shop.orders;
