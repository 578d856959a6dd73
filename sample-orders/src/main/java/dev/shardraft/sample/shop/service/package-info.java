/**
 * The order workflow on the public runtime API ({@code ShardedRaft}) over the {@code orders} and
 * {@code inventory} families, as a node serving a request runs it.
 */
package dev.shardraft.sample.shop.service;
