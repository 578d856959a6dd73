package dev.shardraft.raft.core.apply;

import dev.shardraft.raft.core.AppliedEntry;
import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.StateMachine;
import dev.shardraft.raft.port.TailEvent;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the committed log, position by position, to the user's {@link StateMachine} plus the
 * client {@link SessionTable}. Deterministic: every replica that feeds the same tail events gets
 * the same decisions, replies, sessions and state.
 *
 * <h2>The apply rule</h2>
 *
 * <ol>
 *   <li>An {@link TailEvent.Undecodable} position is skipped and counted.
 *   <li>An entry whose term is lower than the highest term of any entry applied before it is
 *       skipped and counted: it was written by a stale leader whose late {@code openWriter} fenced
 *       a newer one (Kafka fencing is "latest open wins", not "highest term wins"). Otherwise the
 *       entry's term becomes the highest term seen.
 *   <li>A barrier changes nothing but the highest term and, if it carries one, the session expiry
 *       window (the one its leader was configured with): the window is replicated state.
 *   <li>A command {@code (clientId, sequence)}: with no session, only sequence 1 opens one (any
 *       other gets {@link CommandOutcome.SessionExpired}: the session expired or was never opened,
 *       the outcome of earlier attempts is unknown, nothing is applied); the session's last
 *       sequence again is a duplicate, answered from the session (its reply, or its failure); an
 *       older sequence is rejected; a newer one is decoded (a payload the codec refuses with {@code
 *       IllegalArgumentException} is rejected), applied, and recorded in the session.
 *   <li>A command whose decoding or application throws any other {@code RuntimeException} (a poison
 *       command) is <b>failed</b>: {@link CommandOutcome.Failed} is that entry's result on every
 *       replica and in the projection (the state machine is deterministic), recorded in the session
 *       like a reply, counted ({@link #failed()}) and logged; the log goes on. An {@code Error} is
 *       not caught: it is not a result of the command (out of memory, for example).
 *   <li>After every position, sessions idle for more than the expiry window are dropped.
 * </ol>
 *
 * Not thread-safe: one replica (actor) uses it.
 *
 * @param <C> command type
 * @param <R> reply type
 */
public final class Applier<C, R> {
  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
  private static final int MAX_REASON_CHARS = 1000;

  private final StateMachine<C, R> stateMachine;
  private final SessionTable sessions;
  private long nextIndex;
  private long logTerm;
  private long appliedSinceSnapshot;
  private long skippedStaleTerm;
  private long skippedUndecodable;
  private long duplicates;
  private long failed;
  private long sessionExpired;
  private long registered;

  /**
   * @param sessionExpiryPositions a session unused for more than this many log positions expires,
   *     until a barrier or a snapshot carries another window (every log's first barrier does, so
   *     this initial value only decides for a log written by an earlier version)
   */
  public Applier(StateMachine<C, R> stateMachine, long sessionExpiryPositions) {
    this.stateMachine = stateMachine;
    this.sessions = new SessionTable(sessionExpiryPositions);
  }

  /**
   * Applies one tail event. Positions below {@link #nextIndex()} (a re-delivery) are ignored and
   * give an empty result.
   */
  public Optional<ApplyResult> apply(TailEvent event) {
    long index = event.index();
    if (index < nextIndex) {
      return Optional.empty();
    }
    AppliedEntry what;
    List<StateMachine.DomainEvent> events = List.of();
    if (event instanceof TailEvent.Undecodable u) {
      skippedUndecodable++;
      LOG.warn("skipping undecodable record at {}: {}", index, u.reason());
      what = new AppliedEntry.Skipped("undecodable: " + u.reason());
    } else {
      LogEntry e = ((TailEvent.Committed) event).entry();
      if (e.term() < logTerm) {
        skippedStaleTerm++;
        LOG.warn(
            "skipping entry at {} of term {} written by {}: term {} already seen",
            index,
            e.term(),
            e.leaderId(),
            logTerm);
        what =
            new AppliedEntry.Skipped(
                "stale term " + e.term() + " < " + logTerm + " (writer " + e.leaderId() + ")");
      } else {
        logTerm = e.term();
        if (e.body() instanceof LogEntry.Command c) {
          CommandResult r = applyCommand(index, c);
          what = new AppliedEntry.CommandDecided(c.clientId(), c.sequence(), r.outcome);
          events = r.events;
        } else {
          LogEntry.Barrier b = (LogEntry.Barrier) e.body();
          if (b.sessionExpiryPositions() > 0) {
            sessions.setExpiryPositions(b.sessionExpiryPositions());
          }
          what = new AppliedEntry.BarrierApplied(e.term(), e.leaderId());
        }
      }
    }
    nextIndex = index + 1;
    appliedSinceSnapshot++;
    sessions.expire(index);
    return Optional.of(new ApplyResult(index, logTerm, what, events));
  }

  private record CommandResult(CommandOutcome outcome, List<StateMachine.DomainEvent> events) {}

  private CommandResult applyCommand(long index, LogEntry.Command c) {
    if (c.sequence() == SessionRegistration.SEQUENCE) {
      return register(index, c);
    }
    boolean legacy = c.lowestUnacked() == 0;
    Optional<Session> found = sessions.get(c.clientId());
    // A session of the other protocol is not this command's, and is not replaced by it.
    boolean otherProtocol = found.isPresent() && found.get().registered() == legacy;
    if (otherProtocol || (found.isEmpty() && (!legacy || c.sequence() != 1))) {
      sessionExpired++;
      return new CommandResult(
          new CommandOutcome.SessionExpired(
              "no session "
                  + c.clientId()
                  + " (sequence "
                  + c.sequence()
                  + "): it expired after "
                  + sessions.expiryPositions()
                  + " idle log positions, or was never registered; not applied now, outcome of"
                  + " earlier attempts unknown; register a new session"),
          List.of());
    }
    Session s = found.orElse(null);
    if (s != null && !legacy) {
      // The client has seen every answer below lowestUnacked: drop those replies (thesis §6.3).
      s = s.raisedTo(c.lowestUnacked()).touched(index);
      sessions.put(c.clientId(), s);
    }
    Session.Reply kept = s == null ? null : s.reply(c.sequence()).orElse(null);
    if (kept != null) {
      duplicates++;
      sessions.put(c.clientId(), s.touched(index));
      CommandOutcome again =
          kept.failure().isPresent()
              ? new CommandOutcome.Failed(kept.index(), kept.failure().get(), true)
              : new CommandOutcome.Success(kept.index(), kept.reply(), true);
      return new CommandResult(again, List.of());
    }
    if (s != null && c.sequence() < (legacy ? s.lastSequence() : s.lowestKept())) {
      return rejected(
          legacy
              ? "sequence "
                  + c.sequence()
                  + " of client "
                  + c.clientId()
                  + " is older than its last applied sequence "
                  + s.lastSequence()
              : "sequence "
                  + c.sequence()
                  + " of session "
                  + c.clientId()
                  + " is below its window (lowest unacknowledged "
                  + s.lowestKept()
                  + "): its client had its answer already, the reply is discarded; not applied"
                  + " now");
    }
    if (s != null && !legacy && s.replyCount() >= s.maxReplies()) {
      sessions.remove(c.clientId());
      return rejected(
          "session "
              + c.clientId()
              + " keeps "
              + s.replyCount()
              + " unacknowledged replies, its bound (shardraft.replica.session-max-replies = "
              + s.maxReplies()
              + "): sequence "
              + c.sequence()
              + " is not applied and the session is closed (its later commands are"
              + " SessionExpired); keep fewer commands in flight per session");
    }
    Session before = s;
    C command;
    try {
      command = stateMachine.commandCodec().decode(c.payload().toArray());
    } catch (IllegalArgumentException bad) {
      return rejected(
          "undecodable command payload of "
              + c.clientId()
              + "#"
              + c.sequence()
              + ": "
              + bad.getMessage());
    } catch (RuntimeException thrown) {
      return failed(index, c, before, "the command codec", thrown);
    }
    StateMachine.Result<R> applied;
    Bytes reply;
    try {
      applied = stateMachine.apply(index, command);
      reply = Bytes.of(stateMachine.replyCodec().encode(applied.reply()));
    } catch (RuntimeException thrown) {
      return failed(index, c, before, "the state machine", thrown);
    }
    record(c, before, new Session.Reply(index, reply, Optional.empty()), index);
    return new CommandResult(new CommandOutcome.Success(index, reply, false), applied.events());
  }

  private void record(LogEntry.Command c, Session before, Session.Reply r, long index) {
    sessions.put(
        c.clientId(),
        before == null || !before.registered()
            ? Session.legacy(c.sequence(), r, index)
            : before.with(c.sequence(), r, index));
  }

  /**
   * A registration (thesis §6.3): opens a new session named by the client and this entry's index,
   * with the reply bound the leader put into the entry.
   */
  private CommandResult register(long index, LogEntry.Command c) {
    int max = SessionRegistration.maxReplies(c.payload().toArray());
    if (max < 1) {
      return rejected("registration of " + c.clientId() + " without a reply bound: not opened");
    }
    String id = SessionRegistration.sessionId(c.clientId(), index);
    sessions.put(id, Session.registered(index, max));
    registered++;
    return new CommandResult(
        new CommandOutcome.Success(index, Bytes.of(SessionRegistration.reply(id, max)), false),
        List.of());
  }

  /**
   * A committed command whose application threw. A state machine is deterministic, so the throw is
   * this entry's result everywhere: recorded in the session (a retry gets the same outcome), no
   * events, and the log goes on. Whatever the state machine changed before it threw stays changed
   * (identically on every replica).
   */
  private CommandResult failed(
      long index, LogEntry.Command c, Session before, String where, RuntimeException e) {
    failed++;
    String reason = shorten(where + " threw " + e);
    LOG.warn(
        "command {}#{} at {} failed; it is that entry's result on every replica: {}",
        c.clientId(),
        c.sequence(),
        index,
        reason,
        e);
    record(c, before, new Session.Reply(index, Bytes.EMPTY, Optional.of(reason)), index);
    return new CommandResult(new CommandOutcome.Failed(index, reason, false), List.of());
  }

  private static String shorten(String reason) {
    return reason.length() <= MAX_REASON_CHARS
        ? reason
        : reason.substring(0, MAX_REASON_CHARS) + "...";
  }

  private static CommandResult rejected(String reason) {
    return new CommandResult(new CommandOutcome.Rejected(reason), List.of());
  }

  /** The next log position to apply (the index to tail from). */
  public long nextIndex() {
    return nextIndex;
  }

  /** The last processed position, -1 if none. */
  public long lastIndex() {
    return nextIndex - 1;
  }

  /** The highest entry term seen (0 if none). */
  public long logTerm() {
    return logTerm;
  }

  public SessionTable sessions() {
    return sessions;
  }

  public long skippedStaleTerm() {
    return skippedStaleTerm;
  }

  public long skippedUndecodable() {
    return skippedUndecodable;
  }

  public long duplicates() {
    return duplicates;
  }

  /** Commands whose application threw ({@link CommandOutcome.Failed}, first attempts only). */
  public long failed() {
    return failed;
  }

  /** Commands answered {@link CommandOutcome.SessionExpired}. */
  public long sessionExpired() {
    return sessionExpired;
  }

  /** Sessions opened by registration entries. */
  public long registered() {
    return registered;
  }

  /** Positions processed since the last {@link #snapshot()} or {@link #restore}. */
  public long appliedSinceSnapshot() {
    return appliedSinceSnapshot;
  }

  /** True once at least {@code every} positions were processed since the last snapshot. */
  public boolean snapshotDue(long every) {
    return appliedSinceSnapshot >= every;
  }

  /** A snapshot of state machine, sessions and position. */
  public Snapshot snapshot() {
    appliedSinceSnapshot = 0;
    byte[] data = SnapshotCodec.encode(logTerm, sessions, stateMachine.snapshot());
    return new Snapshot(nextIndex, logTerm, Bytes.of(data));
  }

  /**
   * Replaces state machine, sessions and position with the snapshot's.
   *
   * @throws IllegalArgumentException if the snapshot is malformed; nothing is changed then
   */
  public void restore(Snapshot snapshot) {
    SnapshotCodec.Decoded d = SnapshotCodec.decode(snapshot.data().toArray());
    stateMachine.restore(d.stateMachine());
    sessions.clear();
    d.sessions().forEach(sessions::put);
    if (d.sessionExpiryPositions() > 0) {
      sessions.setExpiryPositions(d.sessionExpiryPositions());
    }
    logTerm = d.logTerm();
    nextIndex = snapshot.nextIndex();
    appliedSinceSnapshot = 0;
  }
}
