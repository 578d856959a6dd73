package dev.shardraft.raft.core;

import dev.shardraft.raft.core.Role.Follower;
import dev.shardraft.raft.core.Role.Leader;
import dev.shardraft.raft.core.Role.Leader.PeerProgress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Entering and leaving leadership, and the common step-down to follower. */
final class Leadership {
  private Leadership() {}

  /**
   * Won the election: fence older writers first ({@link Effect.OpenWriter}); the barrier is
   * appended once the writer is open; heartbeats start at once to assert the new term.
   */
  static void becomeLeader(StepContext ctx) {
    ctx.setElectionsWithoutLeader(0);
    Map<String, PeerProgress> peers = new HashMap<>();
    for (String p : ctx.config().peers()) {
      peers.put(p, new PeerProgress(ctx.now, -1, 0));
    }
    Leader l =
        new Leader(
            ctx.self(),
            false,
            -1,
            false,
            -1,
            Optional.empty(),
            List.of(),
            List.of(),
            peers,
            0,
            List.of(),
            Optional.empty(),
            ctx.now);
    ctx.become(l);
    ctx.setQuiet(RaftState.Quiet.activeAt(ctx.now));
    ctx.cancelTimer(TimerKey.ELECTION);
    ctx.log(new Effect.OpenWriter(ctx.state().term()));
    LeaderStep.heartbeatRound(ctx);
  }

  /**
   * Becomes follower in {@code term} (at least the current one). A leader first answers every
   * request it holds with {@link CommandOutcome.Retry}, rejects pending reads and closes its
   * writer.
   */
  static void stepDown(StepContext ctx, long term, Optional<String> leader, String reason) {
    if (ctx.role() instanceof Leader l) {
      abandon(ctx, l, leader, reason);
    }
    if (term > ctx.state().term()) {
      ctx.setTermVote(term, Optional.empty());
    }
    ctx.become(new Follower(leader, leader.isPresent() ? ctx.now : Role.NEVER));
    if (leader.isPresent()) {
      ctx.setElectionsWithoutLeader(0);
    }
    ctx.resetElectionTimer();
  }

  private static void abandon(StepContext ctx, Leader l, Optional<String> hint, String reason) {
    CommandOutcome.Retry retry =
        new CommandOutcome.Retry(hint, RetryReason.STEPPED_DOWN, "leader stepped down: " + reason);
    l.inFlight().ifPresent(b -> b.unanswered().forEach(c -> reply(ctx, c, retry)));
    l.awaiting().forEach(c -> reply(ctx, c, retry));
    l.queue().forEach(c -> reply(ctx, c, retry));
    l.reads().forEach(r -> ctx.answer(new Effect.RejectRead(r.requestId(), retry)));
    ctx.log(new Effect.CloseWriter(ctx.state().term()));
    ctx.cancelTimer(TimerKey.HEARTBEAT);
  }

  private static void reply(StepContext ctx, Leader.PendingCommand c, CommandOutcome o) {
    ctx.answer(new Effect.ReplyCommand(c.requestId(), o));
  }
}
