package dev.shardraft.raft.driver;

import dev.shardraft.raft.core.RaftConfig;
import java.time.Duration;

/**
 * The settings a {@link ReplicaDriver} runs with (the actor shell takes them from {@code
 * ReplicaSettings}, the simulation from its seed).
 *
 * @param config the core's configuration (shard, self, members, timing, batching)
 * @param sessionExpiryPositions client sessions idle for longer than this many log positions expire
 * @param snapshotEvery save a snapshot every this many applied positions (0: never)
 * @param deleteLogAfterSnapshot after a snapshot, a leader cuts the log by {@code LogCut}'s rule
 * @param storageRetryMin first back-off after a failed term/vote save
 * @param storageRetryMax longest back-off
 */
public record DriverOptions(
    RaftConfig config,
    long sessionExpiryPositions,
    long snapshotEvery,
    boolean deleteLogAfterSnapshot,
    Duration storageRetryMin,
    Duration storageRetryMax) {}
