package dev.shardraft.raft.core;

import dev.shardraft.raft.core.RaftState.Quiet;
import dev.shardraft.raft.core.Role.Follower;
import dev.shardraft.raft.core.Role.Leader;
import dev.shardraft.raft.core.Role.Leader.PeerProgress;
import java.util.HashMap;
import java.util.Map;

/**
 * Quiescence of idle groups (as CockroachDB and TiKV do): a leader whose group has been idle for
 * {@link RaftConfig#quiesceAfterMs()} sends a last heartbeat round marked {@code quiesce}, and once
 * every peer acknowledged it stops its heartbeat timer and check-quorum; a follower that receives
 * it stops its election timer, keeps its leader and term, and counts as inside the leader's lease
 * (it refuses pre-votes and ignores RequestVotes that are not for a transfer).
 *
 * <p>Idle means: the leader is ready with its writer open, nothing queued, in flight or awaiting
 * its read-back, no pending read, no transfer, the leader applied its commit index, and every peer
 * answered the last or the previous heartbeat round with an applied index at least the commit
 * index. A peer that does not answer keeps the group awake (the failure detector of a quiesced
 * group is outside it, so a group with a missing peer keeps its own).
 *
 * <p>What wakes the group: at the leader, a client command, a linearizable read, a transfer
 * request, or any message from a peer other than a heartbeat response (a restarted or suspicious
 * peer's pre-vote, for instance): it resumes heartbeats at once, with every peer's check-quorum
 * window starting anew. At a follower, an ordinary heartbeat (the leader resumed), a client command
 * or linearizable read (redirected as usual), a message of a higher term (it becomes a follower of
 * that term), any message from its leader other than a heartbeat, a barrier of another leader in
 * its log, or {@link RaftInput.LeaderSuspected} for its leader: it arms its election timer, with
 * the lease of its leader already expired, so it runs a normal pre-vote election unless the leader
 * speaks again.
 *
 * <p>Safety does not depend on any of this: quiescence only stops timers, and the lease and
 * check-quorum are liveness rules (safety rests on the durable vote and the log's fencing).
 */
final class Quiescence {
  private Quiescence() {}

  /**
   * The leader's heartbeat timer fired and check-quorum passed. Returns true when quiescence took
   * over the tick (a quiesce round was sent, or the leader stopped); false for an ordinary round.
   */
  static boolean onHeartbeatTick(StepContext ctx) {
    if (!ctx.config().quiesces() || !(ctx.role() instanceof Leader l)) {
      return false;
    }
    Quiet q = ctx.state().quiet();
    if (!idle(ctx, l)) {
      if (q.activeAtMs() != ctx.now || q.quiesceRound() != -1) {
        ctx.setQuiet(Quiet.activeAt(ctx.now));
      }
      return false;
    }
    if (ctx.now - q.activeAtMs() < ctx.config().quiesceAfterMs()) {
      return false;
    }
    if (q.quiesceRound() >= 0 && allAcknowledged(l, q.quiesceRound())) {
      ctx.setQuiet(new Quiet(q.activeAtMs(), q.quiesceRound(), true));
      ctx.cancelTimer(TimerKey.HEARTBEAT);
      return true;
    }
    LeaderStep.heartbeatRound(ctx, true);
    ctx.setQuiet(new Quiet(q.activeAtMs(), ((Leader) ctx.role()).round(), false));
    return true;
  }

  /** The group is idle, as seen by its leader (see the class comment). */
  static boolean idle(StepContext ctx, Leader l) {
    if (!l.ready()
        || !l.writerOpen()
        || l.inFlight().isPresent()
        || !l.queue().isEmpty()
        || !l.awaiting().isEmpty()
        || !l.reads().isEmpty()
        || l.transfer().isPresent()
        || ctx.state().appliedIndex() < l.commitIndex()) {
      return false;
    }
    for (PeerProgress p : l.peers().values()) {
      if (p.appliedIndex() < l.commitIndex() || p.ackedRound() < l.round() - 1) {
        return false;
      }
    }
    return true;
  }

  private static boolean allAcknowledged(Leader l, long round) {
    return l.peers().values().stream().allMatch(p -> p.ackedRound() >= round);
  }

  /**
   * Activity at this replica (a client command, linearizable read or transfer request): a quiesced
   * replica wakes; a leader that is not quiesced restarts its quiet period.
   */
  static void onActivity(StepContext ctx) {
    if (ctx.role() instanceof Leader) {
      wakeLeader(ctx);
    } else {
      wakeFollower(ctx);
    }
  }

  /**
   * A message from a peer: any but a heartbeat response wakes a quiesced leader; any but a
   * heartbeat from its own leader wakes a quiesced follower (its leader asking for votes, for
   * instance, was restarted faster than any failure detector notices and no longer leads).
   */
  static void onReceive(StepContext ctx, RaftMessage m) {
    if (ctx.role() instanceof Leader
        && ctx.state().quiet().quiesced()
        && !(m instanceof RaftMessage.HeartbeatResponse)) {
      wakeLeader(ctx);
    } else if (ctx.role() instanceof Follower f
        && f.quiesced()
        && f.leaderId().filter(m.from()::equals).isPresent()
        && !(m instanceof RaftMessage.Heartbeat)) {
      wakeFollower(ctx);
    }
  }

  /** The runtime's failure detector suspects {@code leaderId}. */
  static void onLeaderSuspected(StepContext ctx, String leaderId) {
    if (ctx.role() instanceof Follower f
        && f.quiesced()
        && f.leaderId().filter(leaderId::equals).isPresent()) {
      wakeFollower(ctx);
    }
  }

  /** A barrier was applied: one written by another leader than ours wakes a quiesced follower. */
  static void onBarrierApplied(StepContext ctx, AppliedEntry.BarrierApplied b) {
    if (ctx.role() instanceof Follower f
        && f.quiesced()
        && !f.leaderId().filter(b.leaderId()::equals).isPresent()) {
      wakeFollower(ctx);
    }
  }

  /** An election timeout at a quiesced follower is stale (its timer was cancelled): ignored. */
  static boolean ignoresElectionTimeout(StepContext ctx) {
    return ctx.role() instanceof Follower f && f.quiesced();
  }

  /** A heartbeat timeout at a quiesced leader is stale (its timer was cancelled): ignored. */
  static boolean ignoresHeartbeatTimeout(StepContext ctx) {
    return ctx.role() instanceof Leader && ctx.state().quiet().quiesced();
  }

  private static void wakeLeader(StepContext ctx) {
    Leader l = (Leader) ctx.role();
    boolean wasQuiesced = ctx.state().quiet().quiesced();
    ctx.setQuiet(Quiet.activeAt(ctx.now));
    if (!wasQuiesced) {
      return;
    }
    // Nothing was asked of the peers while quiesced: their check-quorum windows start now, as
    // after an election.
    Map<String, PeerProgress> peers = new HashMap<>();
    for (Map.Entry<String, PeerProgress> e : l.peers().entrySet()) {
      PeerProgress p = e.getValue();
      peers.put(e.getKey(), new PeerProgress(ctx.now, p.appliedIndex(), p.ackedRound()));
    }
    ctx.update(l.withPeers(peers));
    LeaderStep.heartbeatRound(ctx);
  }

  private static void wakeFollower(StepContext ctx) {
    if (ctx.role() instanceof Follower f && f.quiesced()) {
      ctx.update(new Follower(f.leaderId(), f.lastLeaderContactMs(), false));
      ctx.resetElectionTimer();
    }
  }
}
