package dev.shardraft.raft.core;

/**
 * Why a replica answered "retry" instead of applying a command or serving a read. A client decides
 * by this, not by parsing text: every reason means "send the same {@code (clientId, sequence)}
 * again", and the leader hint of the answer, if present, says where.
 */
public enum RetryReason {
  /**
   * This replica is not the leader (a follower or candidate); the hint names the leader if known.
   */
  NOT_LEADER,
  /** The leader was just elected and has not applied its barrier yet; ask it again shortly. */
  ELECTION,
  /**
   * The leader stepped down while the command waited (fenced, lost its quorum, a higher term): the
   * outcome is unknown; the command may have been applied, and the session answers a retry.
   */
  STEPPED_DOWN,
  /** The leader's queue is full: back off, then retry. */
  QUEUE_FULL,
  /** Leadership is moving to the hinted replica. */
  TRANSFER,
  /** The command's entry was skipped by the apply rule (stale term): retry at the leader. */
  SKIPPED,
  /** The replica is starting or stopping: try another replica or later. */
  UNAVAILABLE
}
