/**
 * In-memory implementations of the storage ports in {@code dev.shardraft.raft.port}, with the
 * semantics of their Kafka counterparts, for this module's tests and for later modules' unit tests.
 *
 * <p>{@link dev.shardraft.raft.memory.LogStore} is the synchronous model of a shard's log (latest
 * {@code openWriter} wins, transactions whose records use offsets when sent, commit and abort
 * markers, the last stable offset, transaction timeouts, foreign records, prefix deletion); {@link
 * dev.shardraft.raft.memory.InMemoryRaftLog} wraps it as a {@link dev.shardraft.raft.port.RaftLog}
 * with a Pekko Streams tail, and the deterministic simulation drives it directly. {@link
 * dev.shardraft.raft.memory.InMemoryRaftMetaStore} (fenced per incarnation, like the Kafka store)
 * and {@link dev.shardraft.raft.memory.InMemorySnapshotStore} keep term/vote and snapshots for the
 * lifetime of the instance.
 */
package dev.shardraft.raft.memory;
