/**
 * The one-command demo on three node JVMs ({@link dev.shardraft.sample.shop.demo.ShopDemo}): a
 * local Kafka when none is configured, three {@code OrdersNode} processes, a load of orders over
 * HTTP, a SIGKILL of the node leading the most groups with per-group failover times, its restart,
 * the invariant check and a summary table (docs/DEMO.md).
 */
package dev.shardraft.sample.shop.demo;
