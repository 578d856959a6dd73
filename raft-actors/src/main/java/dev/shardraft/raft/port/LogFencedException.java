package dev.shardraft.raft.port;

/**
 * A write was refused because a writer of a newer term has fenced this one (Kafka: {@code
 * ProducerFencedException} or {@code InvalidProducerEpochException}). Nothing of the refused write
 * is, or will ever become, visible to readers. The leader that sees it must step down.
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
