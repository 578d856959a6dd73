package dev.shardraft.kafka.snapshot;

import dev.shardraft.raft.port.RaftLog;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.SnapshotStore;
import java.util.concurrent.CompletionStage;

/**
 * Saves a snapshot, then (only once the save completed, i.e. the snapshot is durable) deletes the
 * log entries it covers. The reverse order could lose entries: a crash between the two steps would
 * leave a truncated log without the snapshot that covers the gap.
 */
public final class SnapshotThenTruncate {

  private SnapshotThenTruncate() {}

  /** Save {@code snapshot} of {@code log}'s shard, then {@code deleteBefore(nextIndex)}. */
  public static CompletionStage<Void> run(SnapshotStore store, RaftLog log, Snapshot snapshot) {
    return store
        .save(log.shard(), snapshot)
        .thenCompose(saved -> store.latest(log.shard()))
        .thenCompose(
            latest -> {
              long upTo =
                  latest
                      .map(s -> Math.min(s.nextIndex(), snapshot.nextIndex()))
                      .orElseThrow(
                          () ->
                              new IllegalStateException(
                                  "snapshot of " + log.shard() + " not found after its save"));
              return log.deleteBefore(upTo);
            });
  }
}
