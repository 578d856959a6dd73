package dev.shardraft.raft.driver;

import dev.shardraft.raft.port.RaftLog;
import dev.shardraft.raft.port.RaftMetaStore;
import dev.shardraft.raft.port.SnapshotStore;
import java.util.Objects;

/** The storage ports a {@link ReplicaDriver} writes to (the tail is read by its host). */
public record Storage(RaftLog log, RaftMetaStore meta, SnapshotStore snapshots) {
  public Storage {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(snapshots, "snapshots");
  }
}
