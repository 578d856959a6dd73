package dev.shardraft.kafka.projection;

import dev.shardraft.raft.port.Snapshot;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a projection rebuilds its state before it resumes: restore {@link #snapshot()} if present,
 * replay the log from {@link #replayFrom()} up to (excluding) {@link #resumeAt()}, then consume
 * from {@link #resumeAt()}. A pure decision, so it is unit-tested without a broker.
 *
 * @param snapshot the snapshot to restore first, if any
 * @param replayFrom the first log index to replay
 * @param resumeAt the committed consumer offset (or the chosen start), where consuming resumes
 */
public record ProjectionStart(Optional<Snapshot> snapshot, long replayFrom, long resumeAt) {

  /**
   * @param committed the projection group's committed offset on the log, if any
   * @param logStart the log's first index
   * @param latest the shard's newest snapshot, if any
   * @throws IllegalStateException if the state at the committed offset cannot be rebuilt (the log
   *     was truncated past it and no snapshot at or below it is available)
   */
  public static ProjectionStart plan(
      String shard, OptionalLong committed, long logStart, Optional<Snapshot> latest) {
    if (committed.isEmpty()) {
      if (logStart == 0) {
        return new ProjectionStart(Optional.empty(), 0, 0);
      }
      Snapshot s =
          latest
              .filter(x -> x.nextIndex() >= logStart)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "cannot start the projection of "
                              + shard
                              + ": the log starts at "
                              + logStart
                              + " and no snapshot covers the entries before it"));
      return new ProjectionStart(Optional.of(s), s.nextIndex(), s.nextIndex());
    }
    long at = committed.getAsLong();
    Optional<Snapshot> usable =
        latest.filter(s -> s.nextIndex() <= at && s.nextIndex() >= logStart);
    if (usable.isPresent()) {
      return new ProjectionStart(usable, usable.get().nextIndex(), at);
    }
    if (logStart == 0) {
      return new ProjectionStart(Optional.empty(), 0, at);
    }
    throw new IllegalStateException(
        "cannot rebuild the projection of "
            + shard
            + " at its committed offset "
            + at
            + ": the log starts at "
            + logStart
            + " and "
            + latest
                .map(s -> "the newest snapshot is at " + s.nextIndex())
                .orElse("there is no snapshot")
            + "; do not truncate the log past the projection's committed offset");
  }
}
