package dev.shardraft.raft.port;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The single writer of a shard's log for one term, obtained from {@link RaftLog#openWriter}.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #append} writes the batch atomically (one Kafka transaction): either every entry
 *       becomes visible to readers, in order, or none does.
 *   <li>The returned stage completes with the indices assigned to the entries, in batch order, only
 *       after the batch is committed and durable (Kafka: {@code acks=all} and the transaction
 *       committed).
 *   <li>It completes exceptionally with {@link LogFencedException} once a writer of a newer term
 *       has been opened. <b>The batch's outcome is then unknown</b>: Kafka reports a commit as
 *       fenced also when the commit reached the coordinator but its response was lost and a newer
 *       writer's open followed, and the coordinator completes such a commit before that open
 *       returns. So a fenced batch may be visible, but only below the newer writer's first entry.
 *   <li>Other failures (broker unavailable after retries, timeouts) complete it exceptionally with
 *       another exception; whether the batch became visible is likewise unknown.
 *   <li>Either way the caller must treat the batch's commands as "outcome unknown" and rely on
 *       client sessions for retries; it must never answer them as not applied.
 *   <li>Callers issue one append at a time: the next append starts after the previous completed.
 *       Commands that arrive meanwhile go into the next batch.
 * </ul>
 */
public interface LogWriter extends AutoCloseable {

  /** The term this writer was opened for. */
  long term();

  /** Appends a batch; see the class contract. The batch must not be empty. */
  CompletionStage<List<Long>> append(List<LogEntry> batch);

  /** Releases the writer's resources (Kafka: closes the producer). Idempotent. */
  @Override
  void close();
}
