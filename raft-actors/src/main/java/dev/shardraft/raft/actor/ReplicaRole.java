package dev.shardraft.raft.actor;

import dev.shardraft.raft.core.Role;

/** What a replica is doing now, as its {@link ReplicaProtocol.Status} reports it. */
public enum ReplicaRole {
  /** Loading its term, vote and snapshot; takes no part in the group yet. */
  STARTING,
  FOLLOWER,
  /** Asking for pre-votes before it starts an election (no term change yet). */
  PRE_CANDIDATE,
  CANDIDATE,
  LEADER;

  /** The reported role of the core's {@code role}. */
  static ReplicaRole of(Role role) {
    if (role instanceof Role.Leader) {
      return LEADER;
    } else if (role instanceof Role.Candidate) {
      return CANDIDATE;
    } else if (role instanceof Role.PreCandidate) {
      return PRE_CANDIDATE;
    }
    return FOLLOWER;
  }
}
