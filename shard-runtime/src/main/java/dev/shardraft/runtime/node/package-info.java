/**
 * What a node runs for the groups it hosts. Each replica is a Cluster Sharding entity, {@link
 * dev.shardraft.runtime.node.ReplicaEntity}: a thin parent of the raft-actors {@code RaftReplica},
 * which hands leadership away before a hand-off. Peers reach each other through sharding ({@link
 * dev.shardraft.runtime.node.ShardedPeers}); {@link dev.shardraft.runtime.node.KeepAlive} keeps
 * every replica running; {@link dev.shardraft.runtime.node.NodeKafka} holds the node's Kafka
 * clients (what is shared per node and what is not is written there); {@link
 * dev.shardraft.runtime.node.BucketShards} says which shard a replica is in (one replica id of
 * every group of a bucket).
 */
package dev.shardraft.runtime.node;
