/**
 * What the order and inventory state machines share: the strict Jackson CBOR codec of the Raft log
 * and snapshots, and {@link dev.shardraft.sample.shop.domain.Refusal}, the kind of a business
 * refusal.
 */
package dev.shardraft.sample.shop.domain;
