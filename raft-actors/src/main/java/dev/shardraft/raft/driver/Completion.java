package dev.shardraft.raft.driver;

/**
 * An asynchronous result (or a fired timer) on its way back into a {@link ReplicaDriver}: the host
 * hands it to {@link ReplicaDriver#resume} on the replica's own thread. It carries the incarnation
 * of the driver that started the call; a driver of another incarnation (the replica restarted
 * meanwhile) runs {@code stale} instead of {@code current}, e.g. to close a writer that was opened
 * too late.
 */
public record Completion(long incarnation, Runnable current, Runnable stale) {}
