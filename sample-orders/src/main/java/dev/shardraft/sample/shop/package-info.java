/**
 * The domain of the sample order-processing cluster (issue 10), built beside the one-JVM demo's
 * order book ({@code dev.shardraft.sample.orders}), which the current demo still uses: {@code
 * .orders} ({@code orders-<k>} groups keyed by order id, the lifecycle with a stock reservation
 * step) and {@code .inventory} ({@code inventory-<k>} groups keyed by SKU). Plain records and
 * deterministic state machines, ready for {@code ShardedRaft}; the cluster node, HTTP API and the
 * new demo on them are not built yet.
 */
package dev.shardraft.sample.shop;
