package dev.shardraft.kafka.snapshot;

import dev.shardraft.raft.port.Snapshot;
import java.util.Optional;

/**
 * Where a replica that starts from scratch resumes: restore {@link #snapshot()} if present, then
 * tail from {@link #fromIndex()}. Refuses a start that would silently skip entries: when the log
 * starts above the snapshot's {@code nextIndex} (or above 0 with no snapshot), the entries in
 * between exist nowhere, and {@link #plan} throws {@link IllegalStateException}.
 *
 * @param snapshot the snapshot to restore first, if any
 * @param fromIndex the index to tail from
 */
public record RecoveryStart(Optional<Snapshot> snapshot, long fromIndex) {

  /** The start for a log whose first index is {@code logStart}, given the latest snapshot. */
  public static RecoveryStart plan(String shard, Optional<Snapshot> latest, long logStart) {
    long from = latest.map(Snapshot::nextIndex).orElse(0L);
    if (logStart > from) {
      throw new IllegalStateException(
          "cannot recover shard "
              + shard
              + ": the log starts at "
              + logStart
              + " but "
              + latest
                  .map(s -> "the newest snapshot covers only up to " + s.nextIndex())
                  .orElse("there is no snapshot")
              + "; entries in between are lost");
    }
    return new RecoveryStart(latest, from);
  }
}
