package dev.shardraft.raft.port;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Snapshots per shard (Kafka: compacted topic {@code raft-snapshot-<shard>}).
 *
 * <p>Contract: {@link #latest} returns the saved snapshot with the highest {@link
 * Snapshot#nextIndex}; a save with a lower {@code nextIndex} than one already saved never replaces
 * it. A save completes only when the snapshot is durable.
 */
public interface SnapshotStore {

  CompletionStage<Optional<Snapshot>> latest(String shard);

  CompletionStage<Void> save(String shard, Snapshot snapshot);
}
