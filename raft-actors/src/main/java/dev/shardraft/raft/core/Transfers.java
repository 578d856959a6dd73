package dev.shardraft.raft.core;

import dev.shardraft.raft.core.Role.Leader;
import dev.shardraft.raft.core.Role.Leader.PeerProgress;
import dev.shardraft.raft.core.Role.Leader.Transfer;
import java.util.Optional;

/**
 * Leadership transfer (thesis §3.10): the leader stops taking commands, lets its last append
 * finish, and once the target reports applied >= the leader's commit index sends it {@link
 * RaftMessage.TimeoutNow}; the target campaigns at once with {@code transfer=true}. The transfer is
 * abandoned after one minimum election timeout.
 */
final class Transfers {
  private Transfers() {}

  static void onTransferLeadership(StepContext ctx, RaftInput.TransferLeadership t) {
    if (!(ctx.role() instanceof Leader l)) {
      ctx.answer(new Effect.TransferRefused(t.target(), "not leader"));
      return;
    }
    if (!ctx.config().peers().contains(t.target())) {
      ctx.answer(new Effect.TransferRefused(t.target(), "not a peer of " + ctx.self()));
      return;
    }
    long deadline = ctx.now + ctx.config().electionTimeoutMinMs();
    ctx.update(l.withTransfer(Optional.of(new Transfer(t.target(), deadline, false))));
    LeaderStep.heartbeatRound(ctx);
    maybeSendTimeoutNow(ctx);
  }

  static void maybeSendTimeoutNow(StepContext ctx) {
    if (!(ctx.role() instanceof Leader l) || l.transfer().isEmpty()) {
      return;
    }
    Transfer t = l.transfer().get();
    PeerProgress p = l.peers().get(t.target());
    boolean caughtUp = p.appliedIndex() >= l.commitIndex();
    if (t.timeoutNowSent()
        || l.inFlight().isPresent()
        || !l.queue().isEmpty()
        || !caughtUp
        || !l.ready()) {
      return;
    }
    ctx.update(l.withTransfer(Optional.of(new Transfer(t.target(), t.deadlineMs(), true))));
    ctx.send(t.target(), new RaftMessage.TimeoutNow(ctx.state().term(), ctx.self()));
  }
}
