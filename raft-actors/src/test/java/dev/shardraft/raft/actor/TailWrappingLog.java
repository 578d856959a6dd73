package dev.shardraft.raft.actor;

import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.RaftLog;
import java.util.concurrent.CompletionStage;

/**
 * A test log that changes only how tails behave: writing and deleting go to the wrapped log
 * unchanged. Subclasses implement {@link #tail}.
 */
abstract class TailWrappingLog implements RaftLog {
  protected final RaftLog log;

  TailWrappingLog(RaftLog log) {
    this.log = log;
  }

  @Override
  public final String shard() {
    return log.shard();
  }

  @Override
  public final CompletionStage<LogWriter> openWriter(long term, String leaderId) {
    return log.openWriter(term, leaderId);
  }

  @Override
  public final CompletionStage<Void> deleteBefore(long index) {
    return log.deleteBefore(index);
  }
}
