package dev.shardraft.raft.core;

import java.util.Optional;

/**
 * Where the log may be cut (its prefix deleted) after a snapshot was saved. One rule, used by every
 * driver (the actor shell and the simulation run it through {@code ReplicaDriver}):
 *
 * <ul>
 *   <li>only a <b>leader</b> cuts: a follower ahead of the leader would delete entries the leader
 *       has not read yet;
 *   <li>never above the snapshot just saved ({@code snapshotNextIndex}): a replica that starts
 *       later loads the newest snapshot, which must reach the log start;
 *   <li>never above any peer's reported applied index + 1 (from its latest heartbeat response): a
 *       live follower that lags behind keeps the entries it has not read yet.
 * </ul>
 *
 * <p>The peers' reports can be stale (a peer that restarted from an older snapshot reports its new
 * position only with its next heartbeat response), so a tail may still find itself below the log
 * start; the {@code RaftLog} contract makes that a {@code LogTruncatedException}, and the replica
 * reloads the newest snapshot.
 */
public final class LogCut {
  private LogCut() {}

  /**
   * The index below which the log may be deleted, if any: empty for a non-leader, and when the rule
   * allows no cut (some peer reported nothing yet).
   */
  public static Optional<Long> before(RaftState state, long snapshotNextIndex) {
    if (!(state.role() instanceof Role.Leader l)) {
      return Optional.empty();
    }
    long cut = Math.min(snapshotNextIndex, state.appliedIndex() + 1);
    for (Role.Leader.PeerProgress p : l.peers().values()) {
      cut = Math.min(cut, p.appliedIndex() + 1);
    }
    return cut > 0 ? Optional.of(cut) : Optional.empty();
  }
}
