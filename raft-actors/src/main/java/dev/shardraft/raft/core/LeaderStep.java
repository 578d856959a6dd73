package dev.shardraft.raft.core;

import dev.shardraft.raft.core.Role.Leader;
import dev.shardraft.raft.core.Role.Leader.Batch;
import dev.shardraft.raft.core.Role.Leader.PeerProgress;
import dev.shardraft.raft.core.Role.Leader.PendingCommand;
import dev.shardraft.raft.core.apply.SessionRegistration;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The leader's work: heartbeats and check-quorum, the writer and its one in-flight append, the
 * barrier, and answering commands once they are applied from the leader's own tail.
 */
final class LeaderStep {
  private LeaderStep() {}

  private static Optional<Leader> leader(StepContext ctx) {
    return ctx.role() instanceof Leader l ? Optional.of(l) : Optional.empty();
  }

  /** Starts a new heartbeat round: one heartbeat to every peer. */
  static void heartbeatRound(StepContext ctx) {
    heartbeatRound(ctx, false);
  }

  /** Starts a new heartbeat round, marked {@code quiesce} or not ({@link Quiescence}). */
  static void heartbeatRound(StepContext ctx, boolean quiesce) {
    Leader l = (Leader) ctx.role();
    long round = l.round() + 1;
    ctx.update(l.withRound(round));
    for (String p : ctx.config().peers()) {
      ctx.send(
          p,
          new RaftMessage.Heartbeat(
              ctx.state().term(), ctx.self(), l.commitIndex(), round, quiesce));
    }
    ctx.startTimer(TimerKey.HEARTBEAT, ctx.now + ctx.config().heartbeatIntervalMs());
  }

  /** Heartbeat timer: check-quorum, transfer deadline, next heartbeat round. */
  static void onHeartbeatTimeout(StepContext ctx) {
    Optional<Leader> ol = leader(ctx);
    if (ol.isEmpty()) {
      return;
    }
    Leader l = ol.get();
    long window = ctx.config().electionTimeoutMinMs();
    long live =
        1 + l.peers().values().stream().filter(p -> ctx.now - p.lastAckMs() < window).count();
    if (live < ctx.config().quorum()) {
      Leadership.stepDown(
          ctx,
          ctx.state().term(),
          Optional.empty(),
          "check-quorum: heard from "
              + live
              + " of "
              + ctx.config().members().size()
              + " within "
              + window
              + " ms");
      return;
    }
    if (l.transfer().isPresent() && ctx.now >= l.transfer().get().deadlineMs()) {
      ctx.update(l.withTransfer(Optional.empty()));
    }
    if (!Quiescence.onHeartbeatTick(ctx)) {
      heartbeatRound(ctx);
    }
  }

  static void onHeartbeatResponse(StepContext ctx, RaftMessage.HeartbeatResponse m) {
    Optional<Leader> ol = leader(ctx);
    if (ol.isEmpty() || !m.success() || m.term() != ctx.state().term()) {
      return;
    }
    Leader l = ol.get();
    PeerProgress old = l.peers().get(m.from());
    if (old == null) {
      return;
    }
    // The applied index of the newest round wins (a peer that restarted from an older snapshot
    // reports less than before); a late answer to an older round does not overwrite it.
    long applied = m.round() >= old.ackedRound() ? m.appliedIndex() : old.appliedIndex();
    Map<String, PeerProgress> peers = new HashMap<>(l.peers());
    peers.put(m.from(), new PeerProgress(ctx.now, applied, Math.max(old.ackedRound(), m.round())));
    ctx.update(l.withPeers(peers));
    Reads.confirm(ctx);
    Reads.serve(ctx);
    Transfers.maybeSendTimeoutNow(ctx);
  }

  static void onWriterOpened(StepContext ctx, long term) {
    Optional<Leader> ol = leader(ctx);
    if (ol.isEmpty() || term != ctx.state().term()) {
      ctx.log(new Effect.CloseWriter(term)); // opened too late: no longer leader of that term
      return;
    }
    if (ol.get().writerOpen()) {
      return; // a repeated report; the writer in use stays open
    }
    Leader l = ol.get().withWriterOpen();
    LogEntry barrier =
        new LogEntry(term, ctx.self(), new LogEntry.Barrier(ctx.config().sessionExpiryPositions()));
    ctx.update(l.withInFlight(Optional.of(new Batch(true, List.of(), Set.of()))));
    ctx.log(new Effect.Append(term, List.of(barrier)));
  }

  static void onWriterOpenFailed(StepContext ctx, long term, String reason) {
    if (leader(ctx).isPresent() && term == ctx.state().term()) {
      Leadership.stepDown(ctx, term, Optional.empty(), "openWriter failed: " + reason);
    }
  }

  static void onAppendFailed(StepContext ctx, long term, boolean fenced, String reason) {
    if (leader(ctx).isPresent() && term == ctx.state().term()) {
      String why =
          fenced ? "fenced by a newer writer" : "append failed, outcome unknown: " + reason;
      Leadership.stepDown(ctx, term, Optional.empty(), why);
    }
  }

  /** Commit index advances; commands of the batch now wait, by index, to be read back. */
  static void onAppendCompleted(StepContext ctx, long term, List<Long> indices) {
    Optional<Leader> ol = leader(ctx);
    if (ol.isEmpty() || term != ctx.state().term() || ol.get().inFlight().isEmpty()) {
      return;
    }
    Leader l = ol.get();
    Batch b = l.inFlight().get();
    int expected = b.barrier() ? 1 : b.commands().size();
    if (indices.size() != expected) {
      throw new IllegalArgumentException(
          "append of " + expected + " entries reported " + indices.size() + " indices");
    }
    long last = indices.get(indices.size() - 1);
    l = l.withCommitIndex(Math.max(l.commitIndex(), last)).withInFlight(Optional.empty());
    if (b.barrier()) {
      l = l.withBarrierIndex(indices.get(0));
    } else {
      CommandQueue awaiting = CommandQueue.of(l.awaiting());
      for (int i = 0; i < b.commands().size(); i++) {
        PendingCommand c = b.commands().get(i);
        if (!b.answered().contains(c.requestId())) {
          awaiting = awaiting.append(c.withIndex(indices.get(i)));
        }
      }
      l = l.withAwaiting(awaiting);
    }
    ctx.update(l);
    retrySkipped(ctx);
    maybeStartBatch(ctx);
    Transfers.maybeSendTimeoutNow(ctx);
  }

  /** A log position was applied by this (leader) replica. */
  static void onApplied(StepContext ctx, AppliedEntry what) {
    Optional<Leader> ol = leader(ctx);
    if (ol.isEmpty()) {
      return;
    }
    Leader l = ol.get();
    if (what instanceof AppliedEntry.BarrierApplied b
        && b.term() == ctx.state().term()
        && b.leaderId().equals(ctx.self())) {
      ctx.update(l.withReady());
    } else if (what instanceof AppliedEntry.CommandDecided d) {
      answer(ctx, d.clientId(), d.sequence(), d.outcome());
    }
    retrySkipped(ctx);
    maybeStartBatch(ctx);
    Reads.serve(ctx);
  }

  /** Answers every request for {@code (clientId, sequence)} the leader holds. */
  private static void answer(StepContext ctx, String clientId, long seq, CommandOutcome outcome) {
    Leader l = (Leader) ctx.role();
    List<PendingCommand> done = new ArrayList<>();
    CommandQueue awaiting = without(CommandQueue.of(l.awaiting()), clientId, seq, done);
    CommandQueue queue = without(CommandQueue.of(l.queue()), clientId, seq, done);
    Optional<Batch> inFlight = l.inFlight();
    if (inFlight.isPresent()) {
      Batch b = inFlight.get();
      Set<Long> answered = null;
      for (PendingCommand c : b.commands()) {
        if (c.sameCommand(clientId, seq) && !b.answered().contains(c.requestId())) {
          if (answered == null) {
            answered = new HashSet<>(b.answered());
          }
          done.add(c);
          answered.add(c.requestId());
        }
      }
      if (answered != null) {
        inFlight = Optional.of(new Batch(b.barrier(), b.commands(), answered));
      }
    }
    ctx.update(l.withAwaiting(awaiting).withQueue(queue).withInFlight(inFlight));
    for (PendingCommand c : done) {
      ctx.answer(new Effect.ReplyCommand(c.requestId(), outcome));
    }
  }

  /**
   * {@code q} without the commands {@code (clientId, seq)}, which are added to {@code done} in
   * queue order. Scans without copying; the usual case (the one match is the oldest command, as
   * commands are applied in index order) drops it in O(1), only other matches rebuild the queue.
   */
  private static CommandQueue without(
      CommandQueue q, String clientId, long seq, List<PendingCommand> done) {
    int matches = 0;
    int first = -1;
    for (int i = 0; i < q.size(); i++) {
      if (q.get(i).sameCommand(clientId, seq)) {
        matches++;
        if (first < 0) {
          first = i;
        }
      }
    }
    if (matches == 0) {
      return q;
    }
    if (matches == 1 && first == 0) {
      done.add(q.get(0));
      return q.drop(1);
    }
    CommandQueue rest = CommandQueue.EMPTY;
    for (PendingCommand c : q) {
      if (c.sameCommand(clientId, seq)) {
        done.add(c);
      } else {
        rest = rest.append(c);
      }
    }
    return rest;
  }

  /**
   * An appended command whose index the applier has passed without deciding it was skipped (its
   * entry broke term order, or could not be decoded): it is applied nowhere, so the client may
   * retry it.
   */
  private static void retrySkipped(StepContext ctx) {
    Leader l = (Leader) ctx.role();
    long applied = ctx.state().appliedIndex();
    if (l.awaiting().stream().noneMatch(c -> c.index() <= applied)) {
      return; // the usual case, checked without copying the list
    }
    CommandQueue keep = CommandQueue.EMPTY;
    for (PendingCommand c : l.awaiting()) {
      if (c.index() <= applied) {
        ctx.answer(
            new Effect.ReplyCommand(
                c.requestId(),
                new CommandOutcome.Retry(
                    Optional.of(ctx.self()),
                    RetryReason.SKIPPED,
                    "entry at " + c.index() + " was skipped by the apply rule")));
      } else {
        keep = keep.append(c);
      }
    }
    ctx.update(l.withAwaiting(keep));
  }

  /** With the writer open, the barrier applied and nothing in flight, appends the next batch. */
  static void maybeStartBatch(StepContext ctx) {
    Leader l = (Leader) ctx.role();
    if (!l.writerOpen() || !l.ready() || l.inFlight().isPresent() || l.queue().isEmpty()) {
      return;
    }
    CommandQueue queue = CommandQueue.of(l.queue());
    int n = Math.min(ctx.config().maxBatchSize(), queue.size());
    List<PendingCommand> batch = queue.first(n);
    CommandQueue rest = queue.drop(n);
    long term = ctx.state().term();
    List<LogEntry> entries =
        batch.stream()
            .map(
                c ->
                    new LogEntry(
                        term,
                        ctx.self(),
                        c.sequence() == SessionRegistration.SEQUENCE
                            // The leader writes its reply bound into the registration: the
                            // bound is part of the replicated entry, not a per-replica setting.
                            ? LogEntry.Command.registration(
                                c.clientId(),
                                Bytes.of(
                                    SessionRegistration.payload(ctx.config().sessionMaxReplies())))
                            : new LogEntry.Command(
                                c.clientId(), c.sequence(), c.payload(), c.lowestUnacked())))
            .toList();
    ctx.update(l.withQueue(rest).withInFlight(Optional.of(new Batch(false, batch, Set.of()))));
    ctx.log(new Effect.Append(term, entries));
  }

  /**
   * A client command. A non-leader redirects; a leader that is transferring redirects to the
   * target; a full queue refuses with retry. Otherwise the command is queued (also before the
   * barrier is applied: it is appended once the leader is ready).
   */
  static void onClientCommand(StepContext ctx, RaftInput.ClientCommand c) {
    Optional<String> malformed = malformed(c, ctx.config().maxCommandBytes());
    if (malformed.isPresent()) {
      // Refused before it reaches a batch: a LogEntry cannot hold it, and building one would
      // fail the leader's step for every command of the batch.
      ctx.answer(
          new Effect.ReplyCommand(c.requestId(), new CommandOutcome.Rejected(malformed.get())));
      return;
    }
    Optional<Leader> ol = leader(ctx);
    if (ol.isEmpty()) {
      ctx.answer(
          new Effect.ReplyCommand(
              c.requestId(),
              new CommandOutcome.Retry(
                  ctx.state().leaderHint(), RetryReason.NOT_LEADER, "not leader")));
      return;
    }
    Leader l = ol.get();
    if (l.transfer().isPresent()) {
      ctx.answer(
          new Effect.ReplyCommand(
              c.requestId(),
              new CommandOutcome.Retry(
                  Optional.of(l.transfer().get().target()),
                  RetryReason.TRANSFER,
                  "leadership transfer in progress")));
      return;
    }
    if (l.queue().size() >= ctx.config().maxPendingCommands()) {
      ctx.answer(
          new Effect.ReplyCommand(
              c.requestId(),
              new CommandOutcome.Retry(
                  Optional.of(ctx.self()),
                  RetryReason.QUEUE_FULL,
                  "leader queue full (" + l.queue().size() + ")")));
      return;
    }
    CommandQueue q =
        CommandQueue.of(l.queue())
            .append(
                new PendingCommand(
                    c.requestId(), c.clientId(), c.sequence(), c.payload(), c.lowestUnacked(), -1));
    ctx.update(l.withQueue(q));
    maybeStartBatch(ctx);
  }

  /** Why a command can never be written to the log, if it cannot (see {@code LogEntry.Command}). */
  private static Optional<String> malformed(RaftInput.ClientCommand c, int maxCommandBytes) {
    if (c.clientId() == null || c.clientId().isEmpty()) {
      return Optional.of("malformed command: clientId must not be empty");
    }
    if (c.sequence() < 0) {
      return Optional.of(
          "malformed command: sequence must be >= 0 (0: a registration), was " + c.sequence());
    }
    if (c.lowestUnacked() < 0 || c.lowestUnacked() > c.sequence()) {
      return Optional.of(
          "malformed command: lowestUnacked must be in [0, sequence "
              + c.sequence()
              + "] (0: legacy protocol or registration), was "
              + c.lowestUnacked());
    }
    if (c.payload() == null) {
      return Optional.of("malformed command: payload must not be null");
    }
    if (c.payload().size() > maxCommandBytes) {
      return Optional.of(
          "command too large: its payload has "
              + c.payload().size()
              + " bytes, more than max-command-bytes ("
              + maxCommandBytes
              + ")");
    }
    return Optional.empty();
  }
}
