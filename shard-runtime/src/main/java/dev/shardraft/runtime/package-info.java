/**
 * What a service embeds to run Raft groups on a Pekko Cluster. {@link
 * dev.shardraft.runtime.ShardedRaft} is the entry point: {@code ShardedRaft.init(system,
 * RaftGroups.of("orders", 8, OrdersStateMachine::new))} hosts the family's replicas on this node
 * (Cluster Sharding, see {@code placement} and {@code node}) and gives its client: {@code ask(key,
 * command, timeout)} and {@code read(key, query, mode, timeout)}, non-blocking, with leader routing
 * and retries that keep {@code (clientId, sequence)}, failing with {@link
 * dev.shardraft.runtime.ShardedRaftException}. {@link dev.shardraft.runtime.ShardResolver} maps a
 * key to its group (Kafka's murmur2, pinned); {@link dev.shardraft.runtime.RuntimeSettings} reads
 * {@code shardraft.runtime}.
 */
package dev.shardraft.runtime;
