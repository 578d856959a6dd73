/**
 * One Raft group of real replica actors on Kafka, in one JVM.
 *
 * <p>{@link dev.shardraft.sample.cluster.KafkaRaftGroup} ensures the shard's topics ({@code
 * raft-log-<shard>}, {@code raft-snapshot-<shard>}, {@code raft-meta}) and spawns the {@code
 * RaftReplica} actors of raft-actors on kafka-connector's ports ({@code KafkaRaftLog}, {@code
 * KafkaMetaStore}, {@code KafkaSnapshotStore}), each replica with its own Kafka clients, as on its
 * own node; peers reach each other through a {@code PeerRegistry}. Replicas can be stopped and
 * started again, and a leader can be stopped as a "zombie" that keeps its producer ({@link
 * dev.shardraft.sample.cluster.RetainingRaftLog}) to show Kafka fencing.
 *
 * <p>{@link dev.shardraft.sample.cluster.GroupClient} sends one command at a time and retries it,
 * following leader hints, with the same {@code (clientId, sequence)}, so sessions apply it once;
 * {@link dev.shardraft.sample.cluster.OrderStream} runs several such clients over the order book.
 * Spreading replicas over JVMs with Cluster Sharding is {@code shard-runtime}'s later work.
 */
package dev.shardraft.sample.cluster;
