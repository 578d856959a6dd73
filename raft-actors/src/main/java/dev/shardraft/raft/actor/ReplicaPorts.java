package dev.shardraft.raft.actor;

import dev.shardraft.raft.port.RaftLog;
import dev.shardraft.raft.port.RaftMetaStore;
import dev.shardraft.raft.port.SnapshotStore;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Everything outside the replica actor that it talks to.
 *
 * @param log the group's log (Kafka topic {@code raft-log-<shard>} or in memory)
 * @param meta durable term and vote
 * @param snapshots snapshots of the applied state
 * @param peers the other replicas of the group
 * @param clockMs monotonic milliseconds, the core's {@code nowMs}; tests pass a clock they move
 *     together with {@code ManualTime}
 * @param observer told what the replica does (metrics); {@link ReplicaObserver#NONE} for nothing
 */
public record ReplicaPorts(
    RaftLog log,
    RaftMetaStore meta,
    SnapshotStore snapshots,
    Peers peers,
    LongSupplier clockMs,
    ReplicaObserver observer) {

  /** Ports without an observer. */
  public ReplicaPorts(
      RaftLog log, RaftMetaStore meta, SnapshotStore snapshots, Peers peers, LongSupplier clockMs) {
    this(log, meta, snapshots, peers, clockMs, ReplicaObserver.NONE);
  }

  public ReplicaPorts {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(snapshots, "snapshots");
    Objects.requireNonNull(peers, "peers");
    Objects.requireNonNull(clockMs, "clockMs");
    Objects.requireNonNull(observer, "observer");
  }

  /** The same ports, observed by {@code observer}. */
  public ReplicaPorts withObserver(ReplicaObserver observer) {
    return new ReplicaPorts(log, meta, snapshots, peers, clockMs, observer);
  }

  /** The system's monotonic clock: {@code System.nanoTime()} in milliseconds. */
  public static LongSupplier monotonicClock() {
    return () -> System.nanoTime() / 1_000_000L;
  }
}
