/**
 * The storage ports of a replica: what the Raft core needs from the outside world, stated as
 * contracts that both the Kafka implementations ({@code kafka-connector}) and the in-memory test
 * implementations honour.
 *
 * <p>The mapping to Kafka is deliberate and shapes every contract here:
 *
 * <ul>
 *   <li>{@link dev.shardraft.raft.port.RaftLog}: one group's log is one single-partition topic. The
 *       index of an entry is its Kafka offset. Offsets have gaps (transaction markers, aborted
 *       records), so indices are increasing but not contiguous.
 *   <li>A leader writes through a {@link dev.shardraft.raft.port.LogWriter} obtained for its term;
 *       obtaining it fences every older writer of the shard (Kafka: {@code initTransactions()} on a
 *       fixed {@code transactional.id}). Appends of a fenced writer fail with {@link
 *       dev.shardraft.raft.port.LogFencedException} and are never visible to readers.
 *   <li>Readers see committed entries only ({@code read_committed}), in index order.
 *   <li>{@link dev.shardraft.raft.port.RaftMetaStore}: term and vote, durable before use.
 *   <li>{@link dev.shardraft.raft.port.SnapshotStore}: the newest snapshot per shard and the index
 *       to resume tailing from.
 *   <li>{@link dev.shardraft.raft.port.StateMachine}: the user's deterministic state machine.
 * </ul>
 *
 * <p>All asynchronous results are {@link java.util.concurrent.CompletionStage}s; actors turn them
 * into messages with {@code pipeToSelf}.
 */
package dev.shardraft.raft.port;
