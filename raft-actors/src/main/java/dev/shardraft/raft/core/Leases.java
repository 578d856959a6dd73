package dev.shardraft.raft.core;

/**
 * The leader lease that makes check-quorum useful: a follower that heard from a live leader within
 * the minimum election timeout, and a leader itself, refuse pre-votes and ignore RequestVotes of
 * higher terms (unless sent for a leadership transfer). So a partitioned replica that rejoins with
 * a high term cannot depose a healthy leader. A quiesced follower stays in its leader's lease until
 * it is woken ({@link Quiescence}).
 */
final class Leases {
  private Leases() {}

  static boolean inLease(StepContext ctx) {
    Role r = ctx.role();
    if (r instanceof Role.Leader) {
      return true;
    }
    return r instanceof Role.Follower f
        && f.leaderId().isPresent()
        && (f.quiesced()
            || ctx.now - f.lastLeaderContactMs() < ctx.config().electionTimeoutMinMs());
  }
}
