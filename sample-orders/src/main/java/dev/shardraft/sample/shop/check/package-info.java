/**
 * The sample's invariant checks, runnable at any time: {@link
 * dev.shardraft.sample.shop.check.ShopInvariants} reads the committed state of every orders and
 * inventory group (linearizable reads) and every event of the events topic (read_committed) and
 * reports each violation by name.
 */
package dev.shardraft.sample.shop.check;
