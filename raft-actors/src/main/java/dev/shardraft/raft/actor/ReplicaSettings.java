package dev.shardraft.raft.actor;

import dev.shardraft.raft.core.RaftConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one replica actor: who it is, its Raft timing, batching, snapshots and how it retries
 * storage. Immutable; {@link #of} gives the runtime defaults and the {@code with*} methods change
 * one value.
 *
 * @param shard the group's shard key, e.g. {@code orders-0}
 * @param self this replica's id; one of {@code members}
 * @param members every voting replica of the group, {@code self} included
 * @param electionTimeoutMin lower bound of the randomized election timeout (default 150 ms)
 * @param electionTimeoutMax upper bound of the randomized election timeout (default 300 ms)
 * @param heartbeatInterval leader heartbeat interval (default 50 ms)
 * @param maxBatchSize at most this many commands per log append (default 256)
 * @param maxPendingCommands a leader queues at most this many commands (default 10,000)
 * @param snapshotEvery take a snapshot after this many applied log positions; 0 disables (default
 *     10,000)
 * @param deleteLogAfterSnapshot after a snapshot is saved, delete the log below it (default off: a
 *     replica lagging behind the snapshot would silently skip deleted entries, see
 *     docs/RAFT-ACTORS.md)
 * @param sessionExpiryPositions a client session unused for this many log positions expires
 *     (default 1,000,000)
 * @param seed seeds the election-timeout randomness; give every replica a different one
 * @param stashCapacity messages buffered while the replica loads its durable state
 * @param storageRetryMin first back-off after a failed storage call or tail (default 100 ms)
 * @param storageRetryMax largest back-off (default 5 s)
 */
public record ReplicaSettings(
    String shard,
    String self,
    List<String> members,
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    Duration heartbeatInterval,
    int maxBatchSize,
    int maxPendingCommands,
    long snapshotEvery,
    boolean deleteLogAfterSnapshot,
    long sessionExpiryPositions,
    long seed,
    int stashCapacity,
    Duration storageRetryMin,
    Duration storageRetryMax) {

  public ReplicaSettings {
    Objects.requireNonNull(shard, "shard");
    Objects.requireNonNull(self, "self");
    members = List.copyOf(members);
    if (snapshotEvery < 0 || sessionExpiryPositions < 1 || stashCapacity < 1) {
      throw new IllegalArgumentException(
          "need snapshotEvery >= 0, sessionExpiryPositions >= 1, stashCapacity >= 1");
    }
    if (storageRetryMin.isNegative() || storageRetryMax.compareTo(storageRetryMin) < 0) {
      throw new IllegalArgumentException("need 0 <= storageRetryMin <= storageRetryMax");
    }
    toRaftConfig(
        shard,
        self,
        members,
        electionTimeoutMin,
        electionTimeoutMax,
        heartbeatInterval,
        maxBatchSize,
        maxPendingCommands); // validates the Raft part
  }

  /** Runtime defaults; the seed is derived from shard and replica id. */
  public static ReplicaSettings of(String shard, String self, List<String> members) {
    return new ReplicaSettings(
        shard,
        self,
        members,
        Duration.ofMillis(150),
        Duration.ofMillis(300),
        Duration.ofMillis(50),
        256,
        10_000,
        10_000,
        false,
        1_000_000,
        (shard + "/" + self).hashCode(),
        10_000,
        Duration.ofMillis(100),
        Duration.ofSeconds(5));
  }

  /** The core's configuration. */
  public RaftConfig raftConfig() {
    return toRaftConfig(
        shard,
        self,
        members,
        electionTimeoutMin,
        electionTimeoutMax,
        heartbeatInterval,
        maxBatchSize,
        maxPendingCommands);
  }

  private static RaftConfig toRaftConfig(
      String shard,
      String self,
      List<String> members,
      Duration min,
      Duration max,
      Duration heartbeat,
      int batch,
      int pending) {
    return new RaftConfig(
        shard, self, members, min.toMillis(), max.toMillis(), heartbeat.toMillis(), batch, pending);
  }

  public ReplicaSettings withSnapshotEvery(long every) {
    return new ReplicaSettings(
        shard,
        self,
        members,
        electionTimeoutMin,
        electionTimeoutMax,
        heartbeatInterval,
        maxBatchSize,
        maxPendingCommands,
        every,
        deleteLogAfterSnapshot,
        sessionExpiryPositions,
        seed,
        stashCapacity,
        storageRetryMin,
        storageRetryMax);
  }

  public ReplicaSettings withDeleteLogAfterSnapshot(boolean delete) {
    return new ReplicaSettings(
        shard,
        self,
        members,
        electionTimeoutMin,
        electionTimeoutMax,
        heartbeatInterval,
        maxBatchSize,
        maxPendingCommands,
        snapshotEvery,
        delete,
        sessionExpiryPositions,
        seed,
        stashCapacity,
        storageRetryMin,
        storageRetryMax);
  }

  public ReplicaSettings withSeed(long newSeed) {
    return new ReplicaSettings(
        shard,
        self,
        members,
        electionTimeoutMin,
        electionTimeoutMax,
        heartbeatInterval,
        maxBatchSize,
        maxPendingCommands,
        snapshotEvery,
        deleteLogAfterSnapshot,
        sessionExpiryPositions,
        newSeed,
        stashCapacity,
        storageRetryMin,
        storageRetryMax);
  }

  public ReplicaSettings withTiming(Duration min, Duration max, Duration heartbeat) {
    return new ReplicaSettings(
        shard,
        self,
        members,
        min,
        max,
        heartbeat,
        maxBatchSize,
        maxPendingCommands,
        snapshotEvery,
        deleteLogAfterSnapshot,
        sessionExpiryPositions,
        seed,
        stashCapacity,
        storageRetryMin,
        storageRetryMax);
  }
}
