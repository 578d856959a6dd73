package dev.shardraft.raft.port;

/**
 * A {@link RaftLog#tail} could not deliver the entry at {@link #requestedIndex()} because the log
 * now starts above it ({@link RaftLog#deleteBefore} removed that prefix; Kafka: the fetch offset is
 * below the partition's log start offset, {@code OffsetOutOfRangeException}). Entries between the
 * two may have existed and are gone from the log, so the reader must not go on at the log start: it
 * has to restore a snapshot whose {@code nextIndex} is at least {@link #logStart()} and tail from
 * there. The check is by position, so it may also fire when only a commit marker's index (no entry)
 * lay below the log start; reloading is then merely unnecessary, never wrong.
 */
public final class LogTruncatedException extends RuntimeException {
  private final String shard;
  private final long requestedIndex;
  private final long logStart;

  public LogTruncatedException(String shard, long requestedIndex, long logStart) {
    this(shard, requestedIndex, logStart, null);
  }

  public LogTruncatedException(String shard, long requestedIndex, long logStart, Throwable cause) {
    super(
        "the log of shard "
            + shard
            + " starts at "
            + logStart
            + ": the tail cannot read from "
            + requestedIndex
            + " (entries below the log start were deleted; restore a newer snapshot)",
        cause);
    this.shard = shard;
    this.requestedIndex = requestedIndex;
    this.logStart = logStart;
  }

  public String shard() {
    return shard;
  }

  /** The position the tail needed to read next. */
  public long requestedIndex() {
    return requestedIndex;
  }

  /** The log start (first index still held) the tail saw; above {@link #requestedIndex()}. */
  public long logStart() {
    return logStart;
  }
}
