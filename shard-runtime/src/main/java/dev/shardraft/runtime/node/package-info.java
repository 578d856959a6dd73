/**
 * What a node runs for the groups it hosts. Each replica is a Cluster Sharding entity, {@link
 * dev.shardraft.runtime.node.ReplicaEntity}: a thin parent of the raft-actors {@code RaftReplica},
 * which hands leadership away before a hand-off. Peers reach each other through sharding ({@link
 * dev.shardraft.runtime.node.ShardedPeers}); {@link dev.shardraft.runtime.node.KeepAlive} keeps
 * every replica running; {@link dev.shardraft.runtime.node.NodeKafka} holds the node's Kafka
 * clients (what is shared per node and what is not is written there); {@link
 * dev.shardraft.runtime.node.OneShardPerReplica} makes every replica a shard of its own.
 */
package dev.shardraft.runtime.node;
