package dev.shardraft.raft.core;

import dev.shardraft.raft.core.Role.Leader;
import dev.shardraft.raft.core.Role.Leader.PendingRead;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads. Linearizable reads use read-index (thesis §6.4): a ready leader records its read index
 * (commit index, at least its barrier), starts a heartbeat round, and serves once a quorum
 * acknowledged that round (or a later one) and its applied index reached the read index. Stale
 * reads are served by any replica at once.
 */
final class Reads {
  private Reads() {}

  static void onClientRead(StepContext ctx, RaftInput.ClientRead r) {
    RaftState s = ctx.state();
    if (r.mode() == ReadMode.STALE) {
      ctx.answer(new Effect.ServeRead(r.requestId(), s.appliedIndex(), ReadMode.STALE));
      return;
    }
    if (!(ctx.role() instanceof Leader l)) {
      ctx.answer(
          new Effect.RejectRead(
              r.requestId(),
              new CommandOutcome.Retry(s.leaderHint(), RetryReason.NOT_LEADER, "not leader")));
      return;
    }
    if (!l.ready()) {
      ctx.answer(
          new Effect.RejectRead(
              r.requestId(),
              new CommandOutcome.Retry(
                  Optional.of(ctx.self()),
                  RetryReason.ELECTION,
                  "leader not ready (barrier not applied)")));
      return;
    }
    long readIndex = Math.max(l.commitIndex(), l.barrierIndex());
    LeaderStep.heartbeatRound(ctx);
    Leader after = (Leader) ctx.role();
    List<PendingRead> reads = new ArrayList<>(after.reads());
    reads.add(new PendingRead(r.requestId(), readIndex, after.round(), false));
    ctx.update(after.withReads(reads));
    confirm(ctx);
    serve(ctx);
  }

  /** Marks reads whose round a quorum (self included) has acknowledged. */
  static void confirm(StepContext ctx) {
    Leader l = (Leader) ctx.role();
    List<PendingRead> reads = new ArrayList<>();
    for (PendingRead r : l.reads()) {
      long acks = 1 + l.peers().values().stream().filter(p -> p.ackedRound() >= r.round()).count();
      boolean ok = r.confirmed() || acks >= ctx.config().quorum();
      reads.add(new PendingRead(r.requestId(), r.readIndex(), r.round(), ok));
    }
    ctx.update(l.withReads(reads));
  }

  /** Serves confirmed reads whose read index is applied. */
  static void serve(StepContext ctx) {
    if (!(ctx.role() instanceof Leader l) || l.reads().isEmpty()) {
      return;
    }
    long applied = ctx.state().appliedIndex();
    List<PendingRead> keep = new ArrayList<>();
    for (PendingRead r : l.reads()) {
      if (r.confirmed() && applied >= r.readIndex()) {
        ctx.answer(new Effect.ServeRead(r.requestId(), r.readIndex(), ReadMode.LINEARIZABLE));
      } else {
        keep.add(r);
      }
    }
    ctx.update(l.withReads(keep));
  }
}
