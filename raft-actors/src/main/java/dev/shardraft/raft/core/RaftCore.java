package dev.shardraft.raft.core;

import dev.shardraft.raft.core.RaftInput.AppendCompleted;
import dev.shardraft.raft.core.RaftInput.AppendFailed;
import dev.shardraft.raft.core.RaftInput.Applied;
import dev.shardraft.raft.core.RaftInput.ClientCommand;
import dev.shardraft.raft.core.RaftInput.ClientRead;
import dev.shardraft.raft.core.RaftInput.LeaderSuspected;
import dev.shardraft.raft.core.RaftInput.Receive;
import dev.shardraft.raft.core.RaftInput.TermVotePersisted;
import dev.shardraft.raft.core.RaftInput.Timeout;
import dev.shardraft.raft.core.RaftInput.TransferLeadership;
import dev.shardraft.raft.core.RaftInput.WriterOpenFailed;
import dev.shardraft.raft.core.RaftInput.WriterOpened;
import dev.shardraft.raft.core.RaftMessage.Heartbeat;
import dev.shardraft.raft.core.RaftMessage.HeartbeatResponse;
import dev.shardraft.raft.core.RaftMessage.PreVoteRequest;
import dev.shardraft.raft.core.RaftMessage.PreVoteResponse;
import dev.shardraft.raft.core.RaftMessage.TimeoutNow;
import dev.shardraft.raft.core.RaftMessage.VoteRequest;
import dev.shardraft.raft.core.RaftMessage.VoteResponse;
import dev.shardraft.raft.port.TermAndVote;
import java.util.List;
import java.util.Optional;

/**
 * The pure Raft core: {@link #step} maps a state and an input to the next state and the effects to
 * execute. No I/O, no clock, no threads, no shared mutable state: the same state and input always
 * give the same transition. See {@link Effect} for how a driver executes effects, and {@link
 * RoleTransitions} for the transition table.
 */
public final class RaftCore {
  private RaftCore() {}

  /**
   * The state of a replica that (re)starts: a follower with no known leader, the durable term and
   * vote as loaded from the {@code RaftMetaStore}, and the applied position as restored from its
   * snapshot. The returned effects arm the election timer.
   *
   * @param appliedIndex the last log position reflected in the restored state (-1: none)
   * @param logTerm the highest entry term reflected in it (0: none)
   * @param seed seeds the election-timeout randomness; use a different seed per replica
   */
  public static Transition init(
      RaftConfig config,
      TermAndVote durable,
      long appliedIndex,
      long logTerm,
      long nowMs,
      long seed) {
    RaftState s =
        new RaftState(
            config,
            durable.term(),
            durable.votedFor(),
            durable,
            Role.Follower.leaderless(),
            appliedIndex,
            logTerm,
            nowMs,
            seed,
            List.of(),
            RaftState.Quiet.activeAt(nowMs),
            0);
    StepContext ctx = new StepContext(s, nowMs);
    ctx.resetElectionTimer();
    return ctx.finish();
  }

  /** One step of the replica. */
  public static Transition step(RaftState state, RaftInput input) {
    StepContext ctx = new StepContext(state, input.nowMs());
    if (input instanceof Timeout t) {
      if (t.key() == TimerKey.ELECTION) {
        Elections.onElectionTimeout(ctx);
      } else if (!Quiescence.ignoresHeartbeatTimeout(ctx)) {
        LeaderStep.onHeartbeatTimeout(ctx);
      }
    } else if (input instanceof Receive r) {
      Quiescence.onReceive(ctx, r.message());
      if (TermGate.admit(ctx, r.message())) {
        dispatch(ctx, r.message());
      }
    } else if (input instanceof TermVotePersisted p) {
      boolean wasDurable = ctx.state().isDurable();
      ctx.durableConfirmed(p.termAndVote());
      Elections.onDurable(ctx, wasDurable);
      Elections.maybeWin(ctx);
    } else if (input instanceof Applied a) {
      onApplied(ctx, a);
    } else if (input instanceof WriterOpened w) {
      LeaderStep.onWriterOpened(ctx, w.term());
    } else if (input instanceof WriterOpenFailed w) {
      LeaderStep.onWriterOpenFailed(ctx, w.term(), w.reason());
    } else if (input instanceof AppendCompleted a) {
      LeaderStep.onAppendCompleted(ctx, a.term(), a.indices());
    } else if (input instanceof AppendFailed a) {
      LeaderStep.onAppendFailed(ctx, a.term(), a.fenced(), a.reason());
    } else if (input instanceof ClientCommand c) {
      Quiescence.onActivity(ctx);
      LeaderStep.onClientCommand(ctx, c);
    } else if (input instanceof ClientRead r) {
      if (r.mode() == ReadMode.LINEARIZABLE) {
        Quiescence.onActivity(ctx); // read-index needs a live heartbeat round
      }
      Reads.onClientRead(ctx, r);
    } else if (input instanceof TransferLeadership t) {
      Quiescence.onActivity(ctx);
      Transfers.onTransferLeadership(ctx, t);
    } else if (input instanceof LeaderSuspected x) {
      Quiescence.onLeaderSuspected(ctx, x.leaderId());
    } else {
      throw new AssertionError("unhandled input " + input);
    }
    return ctx.finish();
  }

  private static void dispatch(StepContext ctx, RaftMessage m) {
    if (m instanceof PreVoteRequest x) {
      Elections.onPreVoteRequest(ctx, x);
    } else if (m instanceof PreVoteResponse x) {
      Elections.onPreVoteResponse(ctx, x);
    } else if (m instanceof VoteRequest x) {
      Elections.onVoteRequest(ctx, x);
    } else if (m instanceof VoteResponse x) {
      Elections.onVoteResponse(ctx, x);
    } else if (m instanceof Heartbeat x) {
      onHeartbeat(ctx, x);
    } else if (m instanceof HeartbeatResponse x) {
      LeaderStep.onHeartbeatResponse(ctx, x);
    } else if (m instanceof TimeoutNow x) {
      Elections.onTimeoutNow(ctx, x);
    } else {
      throw new AssertionError("unhandled message " + m);
    }
  }

  /**
   * A heartbeat of our term: its sender is the leader; (pre-)candidates give up. A heartbeat marked
   * {@code quiesce} stops the election timer instead of re-arming it ({@link Quiescence}).
   */
  private static void onHeartbeat(StepContext ctx, Heartbeat h) {
    if (ctx.role() instanceof Role.Leader) {
      throw new IllegalStateException(
          "two leaders in term " + h.term() + ": " + ctx.self() + " and " + h.from());
    }
    Role.Follower f = new Role.Follower(Optional.of(h.from()), ctx.now, h.quiesce());
    if (ctx.role() instanceof Role.Follower) {
      ctx.update(f);
    } else {
      ctx.become(f);
    }
    ctx.setElectionsWithoutLeader(0);
    if (h.quiesce()) {
      ctx.cancelTimer(TimerKey.ELECTION);
    } else {
      ctx.resetElectionTimer();
    }
    RaftState s = ctx.state();
    ctx.send(
        h.from(), new HeartbeatResponse(s.term(), ctx.self(), true, s.appliedIndex(), h.round()));
  }

  /**
   * The applier processed a log position. Every role records it; a log term above the current term
   * is adopted (a newer leader wrote it), which deposes a leader; a leader then matches it against
   * the commands it holds.
   */
  private static void onApplied(StepContext ctx, Applied a) {
    RaftState s = ctx.state();
    if (a.index() <= s.appliedIndex()) {
      return;
    }
    ctx.setApplied(a.index(), Math.max(s.logTerm(), a.logTerm()));
    if (a.logTerm() > s.term()) {
      // No leader hint: an entry in the log is no proof that its writer is alive (no lease).
      Leadership.stepDown(
          ctx, a.logTerm(), Optional.empty(), "log has entries of term " + a.logTerm());
      return;
    }
    if (a.what() instanceof AppliedEntry.BarrierApplied b) {
      Quiescence.onBarrierApplied(ctx, b);
    }
    LeaderStep.onApplied(ctx, a.what());
  }
}
