package dev.shardraft.raft.actor;

import dev.shardraft.raft.core.RaftState;
import dev.shardraft.raft.core.apply.ApplyResult;

/**
 * What a replica tells the outside about itself as it runs: metrics (the shard runtime binds it to
 * Micrometer) and tests. Called on the replica's own thread, in the order things happen; an
 * implementation must be quick and must not throw (a throw is logged and ignored, never allowed to
 * change what the replica does). Every method has a no-op default.
 */
public interface ReplicaObserver {

  /** Observes nothing. */
  ReplicaObserver NONE = new ReplicaObserver() {};

  /** After every step of the core: role, term and applied index may have changed. */
  default void stepped(RaftState state) {}

  /** The core's role changed (also when only the term did not). */
  default void roleChanged(RaftState before, RaftState after) {}

  /** A leader's heartbeat named the group's commit index (followers learn it this way). */
  default void commitIndexLearned(long commitIndex) {}

  /** A log position was processed by the apply rule (applied, a duplicate, or skipped). */
  default void applied(ApplyResult result) {}

  /**
   * This replica, as leader, appended a batch of {@code entries}: how long it took, and whether.
   */
  default void appended(int entries, long elapsedMs, boolean succeeded) {}
}
