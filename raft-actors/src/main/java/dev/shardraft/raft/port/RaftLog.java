package dev.shardraft.raft.port;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The ordered, durable log of one Raft group (shard). In production this is the single-partition
 * Kafka topic {@code raft-log-<shard>}; tests use {@code InMemoryRaftLog} with the same semantics.
 *
 * <p>Contract (modelled on Kafka's {@code ReplicatedLog} and etcd's {@code Storage}, adapted to a
 * log that cannot be truncated at its end):
 *
 * <ul>
 *   <li><b>Index</b> = position in the log (Kafka offset): strictly increasing, possibly with gaps.
 *       An index is never reused.
 *   <li><b>Fencing</b>: {@link #openWriter} fences every writer opened before it for this shard,
 *       whatever its term, before it completes. There is no truncation of uncommitted suffixes: a
 *       fenced writer's uncommitted batch is aborted and never becomes visible, which is the
 *       logical equivalent of Raft truncating a stale leader's suffix.
 *   <li><b>Visibility</b>: {@link #tail} delivers committed entries only, in index order, each
 *       exactly once per materialization, with back-pressure.
 *   <li><b>Prefix deletion</b>: {@link #deleteBefore} removes entries below an index once a
 *       snapshot covers them. A tail never skips deleted entries: one that starts, or falls, below
 *       the log start fails with {@link LogTruncatedException}; its reader must restore a snapshot
 *       that reaches the log start.
 * </ul>
 */
public interface RaftLog {

  /** The shard this log belongs to, e.g. {@code orders-0}. */
  String shard();

  /**
   * Opens the writer for {@code term}, fencing every older writer of this shard. Completes when
   * fencing is done: from then on no older writer can make anything visible.
   */
  CompletionStage<LogWriter> openWriter(long term, String leaderId);

  /**
   * A stream of the committed log from {@code fromIndex} (inclusive) on, never completing on its
   * own: it waits for new entries at the end of the log. Cancelling the stream stops the tail.
   *
   * <p>{@code fromIndex} may be anything from the log start to the log end (inclusive: a reader of
   * an empty or wholly snapshotted log tails from the end). The stream <b>fails</b> with {@link
   * LogTruncatedException}, instead of going on at the log start, when {@code fromIndex} is below
   * the log start, or when the entries at the tail's read position are deleted while it lags behind
   * (Kafka: the consumer's fetch position falls below the log start offset). Entries the tail had
   * already read before the deletion may still be delivered first; they are in order and nothing
   * after them is skipped.
   */
  Source<TailEvent, NotUsed> tail(long fromIndex);

  /**
   * Deletes every entry with an index below {@code index} (at most the log end); the log start
   * becomes {@code index}. Completes when done. Save a snapshot that reaches {@code index} first: a
   * tail whose position is below the new log start fails with {@link LogTruncatedException}, and
   * its reader recovers only from such a snapshot.
   */
  CompletionStage<Void> deleteBefore(long index);
}
