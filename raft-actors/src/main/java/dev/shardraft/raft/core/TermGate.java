package dev.shardraft.raft.core;

import dev.shardraft.raft.core.RaftMessage.Heartbeat;
import dev.shardraft.raft.core.RaftMessage.HeartbeatResponse;
import dev.shardraft.raft.core.RaftMessage.PreVoteRequest;
import dev.shardraft.raft.core.RaftMessage.VoteRequest;
import dev.shardraft.raft.core.RaftMessage.VoteResponse;
import java.util.Optional;

/**
 * The term check every message passes once, before any role sees it (etcd's {@code Step}).
 *
 * <ul>
 *   <li>Higher term: a RequestVote (not for a transfer) or pre-vote inside a leader lease is
 *       ignored (the pre-vote is still answered "no" by its handler). A pre-vote request never
 *       changes the receiver's term. Anything else makes the receiver a follower of that term (a
 *       heartbeat or TimeoutNow also names the leader).
 *   <li>Lower term: a heartbeat or RequestVote is answered with the receiver's term so the stale
 *       sender steps down; a pre-vote request goes on to be refused; other messages are dropped.
 * </ul>
 */
final class TermGate {
  private TermGate() {}

  /**
   * @return whether the message should go on to its role handler
   */
  static boolean admit(StepContext ctx, RaftMessage m) {
    long term = ctx.state().term();
    if (m instanceof PreVoteRequest) {
      return true;
    }
    if (m.term() > term) {
      boolean disruptive = m instanceof VoteRequest v && !v.transfer();
      if (disruptive && Leases.inLease(ctx)) {
        return false;
      }
      Optional<String> leader = m instanceof Heartbeat ? Optional.of(m.from()) : Optional.empty();
      Leadership.stepDown(ctx, m.term(), leader, "saw term " + m.term() + " from " + m.from());
      return true;
    }
    if (m.term() < term) {
      RaftState s = ctx.state();
      if (m instanceof Heartbeat h) {
        ctx.send(
            m.from(), new HeartbeatResponse(term, ctx.self(), false, s.appliedIndex(), h.round()));
      } else if (m instanceof VoteRequest) {
        ctx.send(m.from(), new VoteResponse(term, ctx.self(), false));
      }
      return false;
    }
    return true;
  }
}
