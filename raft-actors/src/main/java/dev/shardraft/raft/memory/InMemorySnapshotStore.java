package dev.shardraft.raft.memory;

import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.SnapshotStore;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link SnapshotStore} in memory: keeps, per shard, the snapshot with the highest {@code
 * nextIndex}; an older one never replaces it. Thread-safe.
 */
public final class InMemorySnapshotStore implements SnapshotStore {
  private final ConcurrentMap<String, Snapshot> latest = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Optional<Snapshot>> latest(String shard) {
    return CompletableFuture.completedFuture(Optional.ofNullable(latest.get(shard)));
  }

  @Override
  public CompletionStage<Void> save(String shard, Snapshot snapshot) {
    latest.merge(shard, snapshot, (old, neu) -> neu.nextIndex() >= old.nextIndex() ? neu : old);
    return CompletableFuture.completedFuture(null);
  }
}
