package dev.shardraft.raft.core;

/** The two keyed timers a replica runs; at most one of each is armed at a time. */
public enum TimerKey {
  /** Follower, pre-candidate and candidate: the randomized election timeout. */
  ELECTION,
  /** Leader: heartbeats, check-quorum and leadership-transfer deadline. */
  HEARTBEAT
}
