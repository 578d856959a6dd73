package dev.shardraft.raft.port;

/**
 * What a reader of the log sees, in index order. Only committed data is ever delivered. Indices
 * increase strictly but may have gaps.
 */
public sealed interface TailEvent permits TailEvent.Committed, TailEvent.Undecodable {

  /** The index (Kafka offset) of this position in the log. */
  long index();

  /** A committed entry that decoded. */
  record Committed(long index, LogEntry entry) implements TailEvent {}

  /**
   * A committed record that is not a shardraft entry (foreign writer, corrupt bytes, unknown
   * version). Every replica sees the same record at the same index and must skip it the same way.
   *
   * @param reason a short, human-readable reason, for the log line and the metric
   */
  record Undecodable(long index, String reason) implements TailEvent {}
}
