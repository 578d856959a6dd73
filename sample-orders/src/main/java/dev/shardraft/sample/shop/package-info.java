/**
 * The sample shop (issue 10, docs/SHOP.md): {@code .orders} ({@code orders-<k>} groups keyed by
 * order id, the lifecycle with a stock reservation step) and {@code .inventory} ({@code
 * inventory-<k>} groups keyed by SKU), plain records and deterministic state machines on {@code
 * ShardedRaft}; {@code .saga}, the workflow between them driven by the exactly-once {@code
 * orders-events} topic; {@code .check}, the invariants; {@code .node}, one cluster node per JVM
 * with its HTTP API; {@code .demo}, the three-JVM demo. The earlier one-JVM demo's order book
 * ({@code dev.shardraft.sample.orders}) is separate.
 */
package dev.shardraft.sample.shop;
