/**
 * The shop's cluster node: {@code OrdersNode} (one Pekko Cluster member per JVM hosting replicas of
 * the {@code orders} and {@code inventory} families), its settings, the HTTP API ({@code
 * ShopRoutes}: orders, inventory, {@code /status}, {@code /metrics}) with its JSON error rules, and
 * the status page at {@code /}.
 */
package dev.shardraft.sample.shop.node;
