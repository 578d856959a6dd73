package dev.shardraft.raft.port;

/**
 * A writer of a newer term has fenced this one (Kafka: {@code ProducerFencedException}, {@code
 * InvalidProducerEpochException} or {@code InvalidTxnStateException}). The leader that sees it must
 * step down. <b>The outcome of the write that failed is unknown</b>: usually nothing of it is
 * visible, but Kafka also reports a commit whose response was lost before a newer open as fenced,
 * and such a commit is visible (below the newer writer's entries). See {@link LogWriter}.
 */
public final class LogFencedException extends RuntimeException {
  private final String shard;
  private final long term;

  public LogFencedException(String shard, long term, Throwable cause) {
    super("writer of shard " + shard + " at term " + term + " was fenced by a newer writer", cause);
    this.shard = shard;
    this.term = term;
  }

  public String shard() {
    return shard;
  }

  public long term() {
    return term;
  }
}
