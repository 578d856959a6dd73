package dev.shardraft.raft.driver;

import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.Effect;
import dev.shardraft.raft.core.RaftCore;
import dev.shardraft.raft.core.RaftInput;
import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.RaftState;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.core.RetryReason;
import dev.shardraft.raft.core.TimerKey;
import dev.shardraft.raft.core.Transition;
import dev.shardraft.raft.core.apply.Applier;
import dev.shardraft.raft.core.apply.ApplyResult;
import dev.shardraft.raft.driver.Callers.CommandCaller;
import dev.shardraft.raft.driver.Callers.ReadCaller;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.MetaStoreSupersededException;
import dev.shardraft.raft.port.QueryableStateMachine;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.TailEvent;
import dev.shardraft.raft.port.TermAndVote;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The effect interpreter of one replica incarnation: it feeds inputs to the pure {@link RaftCore}
 * and carries out the {@link Effect}s of each {@link Transition} in list order (see {@link Effect}
 * for the rules) against the storage ports and its {@link DriverHost}. The actor shell and the
 * simulation both run their replicas through this class, so the seeded simulation checks the code
 * that executes effects in production.
 *
 * <p>What it owns: the core's state, the {@link Applier} and state machine, ordered term/vote saves
 * ({@link TermVoteSaves}, a failed save is retried with back-off before anything after it), one log
 * writer per term ({@link LogWriters}), the client requests waiting for the core's answer, and the
 * {@link SnapshotPolicy}. What it does not own: how the log is tailed (the host reads the tail and
 * hands each position to {@link #onTailEvent}), how the replica (re)starts, and timing.
 *
 * <p>Not thread-safe: the host calls it from one thread at a time (the actor's, the simulation's).
 * Results of asynchronous calls come back as {@link Completion}s stamped with this incarnation; one
 * that reaches another incarnation is dropped (a writer opened for it is closed).
 *
 * @param <C> the state machine's command type
 * @param <R> the state machine's reply type
 */
public final class ReplicaDriver<C, R> {
  private static final Object RETRY_SAVE = "retry-term-vote-save";

  private final DriverOptions options;
  private final Storage storage;
  private final DriverHost host;
  private final QueryableStateMachine<C, R> machine;
  private final Applier<C, R> applier;
  private final long incarnation;
  private final LogWriters writers = new LogWriters();
  private final TermVoteSaves saves = new TermVoteSaves();
  private final PendingRequests waiting = new PendingRequests();
  private final Backoff saveBackoff;
  private final SnapshotPolicy snapshots;
  private RaftState state;
  private long loadedNextIndex;
  private boolean stopped;

  public ReplicaDriver(
      DriverOptions options,
      Storage storage,
      DriverHost host,
      QueryableStateMachine<C, R> machine,
      long incarnation) {
    this.options = options;
    this.storage = storage;
    this.host = host;
    this.machine = machine;
    this.applier = new Applier<>(machine, options.sessionExpiryPositions());
    this.incarnation = incarnation;
    this.saveBackoff = new Backoff(options.storageRetryMin(), options.storageRetryMax());
    this.snapshots = new SnapshotPolicy(this, options, storage);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Restores {@code snapshot} (if any), initialises the core with the durable term and vote, and
   * executes its first effects (the election timer). The host then tails the log from {@link
   * #nextIndex}.
   *
   * @throws IllegalStateException if the snapshot cannot be restored
   */
  public void start(TermAndVote termAndVote, Optional<Snapshot> snapshot, long seed) {
    snapshot.ifPresent(this::restore);
    loadedNextIndex = applier.nextIndex();
    Transition t =
        RaftCore.init(
            options.config(),
            termAndVote,
            applier.lastIndex(),
            applier.logTerm(),
            host.nowMs(),
            seed);
    after(t.next(), t);
  }

  private void restore(Snapshot snapshot) {
    try {
      applier.restore(snapshot);
    } catch (IllegalArgumentException e) {
      host.log().error("{}: snapshot {} cannot be restored", who(), snapshot, e);
      throw new IllegalStateException("unrestorable snapshot " + snapshot, e);
    }
  }

  /**
   * The replica stops or restarts: every waiting client is answered with retry, writers are closed,
   * later completions of this incarnation are dropped.
   */
  public void stop(String reason) {
    waiting.retryAll(new CommandOutcome.Retry(Optional.empty(), RetryReason.UNAVAILABLE, reason));
    writers.closeAll();
    stopped = true;
  }

  /**
   * The process died (simulation): nothing is answered or closed, later completions are dropped.
   * Requests already on the wire still take effect, as the ports decide.
   */
  public void abandon() {
    waiting.dropAll();
    stopped = true;
  }

  /** Runs a completion handed over by this or an earlier incarnation. */
  public void resume(Completion c) {
    if (c.incarnation() == incarnation && !stopped) {
      c.current().run();
    } else {
      c.stale().run();
    }
  }

  // ---------------------------------------------------------------- inputs

  /** A Raft message from a peer. */
  public void receive(RaftMessage message) {
    host.onReceived(message);
    step(new RaftInput.Receive(host.nowMs(), message));
  }

  /**
   * A failure detector outside the group suspects the replica {@code leaderId}: a quiesced follower
   * of it wakes (see {@link RaftInput.LeaderSuspected}); anyone else ignores it.
   */
  public void leaderSuspected(String leaderId) {
    step(new RaftInput.LeaderSuspected(host.nowMs(), leaderId));
  }

  /** A command of the legacy protocol (no {@code lowestUnacked}); see the other {@code submit}. */
  public void submit(String clientId, long sequence, Bytes payload, CommandCaller caller) {
    submit(clientId, sequence, payload, 0, caller);
  }

  /**
   * A client command; the core validates it (a malformed one is rejected) and answers it. Sequence
   * 0 registers a session ({@code clientId} is then the client's name); {@code lowestUnacked} is
   * the lowest sequence whose answer the client has not seen (see {@code LogEntry.Command}).
   */
  public void submit(
      String clientId, long sequence, Bytes payload, long lowestUnacked, CommandCaller caller) {
    long id = waiting.addCommand(caller);
    step(new RaftInput.ClientCommand(host.nowMs(), id, clientId, sequence, payload, lowestUnacked));
  }

  /** A client read of the applied state; {@code query} goes to the state machine if served. */
  public void read(ReadMode mode, Bytes query, ReadCaller caller) {
    long id = waiting.addRead(caller, query);
    step(new RaftInput.ClientRead(host.nowMs(), id, mode));
  }

  /** Asks the core to hand leadership to {@code target}; the refusal, if the core refused. */
  public Optional<Effect.TransferRefused> transferLeadership(String target) {
    RaftState before = state;
    Transition t = RaftCore.step(before, new RaftInput.TransferLeadership(host.nowMs(), target));
    Optional<Effect.TransferRefused> refused =
        t.effects().stream()
            .filter(Effect.TransferRefused.class::isInstance)
            .map(Effect.TransferRefused.class::cast)
            .findFirst();
    after(before, t);
    return refused;
  }

  /**
   * The host's tail delivered the next log position: apply it, tell the core, maybe snapshot.
   *
   * @return whether the applier processed it (false: a position it had already passed)
   */
  public boolean onTailEvent(TailEvent event) {
    Optional<ApplyResult> applied = applier.apply(event);
    if (applied.isPresent()) {
      host.onApplied(event, applied.get());
      step(applied.get().toInput(host.nowMs()));
    }
    snapshots.maybeSave();
    return applied.isPresent();
  }

  // ---------------------------------------------------------------- what the host may read

  public RaftState state() {
    return state;
  }

  public Applier<C, R> applier() {
    return applier;
  }

  public QueryableStateMachine<C, R> machine() {
    return machine;
  }

  /** The next log index to apply: where the host's tail reads from. */
  public long nextIndex() {
    return applier.nextIndex();
  }

  /** {@link #nextIndex} right after {@link #start} (the snapshot's, or 0). */
  public long loadedNextIndex() {
    return loadedNextIndex;
  }

  public long incarnation() {
    return incarnation;
  }

  // ---------------------------------------------------------------- stepping

  private void step(RaftInput input) {
    after(state, RaftCore.step(state, input));
  }

  private void after(RaftState before, Transition t) {
    state = t.next();
    host.onTransition(before, state);
    execute(t.effects());
    if (!state.isLeader() && waiting.size() > 0) {
      // Only a leader holds requests, and the core answers them all when it steps down.
      throw new IllegalStateException(
          who() + ": the core left " + waiting.size() + " requests unanswered as a non-leader");
    }
  }

  private void execute(List<Effect> effects) {
    for (Effect e : effects) {
      if (e instanceof Effect.PersistTermVote p) {
        saves.offer(p.termAndVote()).ifPresent(this::save);
      } else if (e instanceof Effect.OpenWriter o) {
        openWriter(o.term());
      } else if (e instanceof Effect.Append a) {
        append(a);
      } else if (e instanceof Effect.CloseWriter c) {
        writers.close(c.term());
      } else if (e instanceof Effect.Send s) {
        host.send(s.to(), s.message());
      } else if (e instanceof Effect.ReplyCommand r) {
        waiting.takeCommand(r.requestId()).ifPresent(c -> c.answer(r.outcome()));
      } else if (e instanceof Effect.ServeRead r) {
        waiting.takeRead(r.requestId()).ifPresent(w -> serve(w, r));
      } else if (e instanceof Effect.RejectRead r) {
        waiting.takeRead(r.requestId()).ifPresent(w -> w.caller().retry(r.retry()));
      } else if (e instanceof Effect.TransferRefused t) {
        host.log().info("{}: transfer to {} refused: {}", who(), t.target(), t.reason());
      } else if (e instanceof Effect.StartTimer t) {
        TimerKey key = t.key();
        host.startTimer(
            key,
            Math.max(0, t.atMs() - host.nowMs()),
            current(() -> step(new RaftInput.Timeout(host.nowMs(), key))));
      } else if (e instanceof Effect.CancelTimer t) {
        host.cancelTimer(t.key());
      } else {
        throw new IllegalStateException("unknown effect " + e);
      }
    }
  }

  private void serve(PendingRequests.Read w, Effect.ServeRead r) {
    Bytes result;
    try {
      result = Bytes.of(machine.query(w.query().toArray()));
    } catch (RuntimeException e) {
      host.log().warn("{}: query failed", who(), e);
      w.caller().failed("query failed: " + e);
      return;
    }
    w.caller().served(r.readIndex(), r.mode(), result);
  }

  // ---------------------------------------------------------------- term and vote

  private void save(TermAndVote tv) {
    host.whenDone(
        storage.meta().save(shard(), self(), tv),
        (ok, failure) -> current(() -> onSaved(tv, failure)));
  }

  private void onSaved(TermAndVote tv, Throwable failure) {
    if (failure != null && unwrap(failure) instanceof MetaStoreSupersededException superseded) {
      // Another incarnation of this replica id saved since this one loaded: what this one
      // believes its term and vote are is stale, and retrying would only be refused again. The
      // host restarts the replica, which reloads the durable term and vote.
      host.log()
          .error("{}: {}; restarting to reload term and vote", who(), superseded.getMessage());
      throw superseded;
    }
    if (failure != null) {
      Duration delay = saveBackoff.next();
      host.log().warn("{}: saving {} failed, retrying in {}", who(), tv, delay, unwrap(failure));
      host.startTimer(
          RETRY_SAVE, delay.toMillis(), current(() -> saves.running().ifPresent(this::save)));
      return;
    }
    saveBackoff.reset();
    saves.completed().ifPresent(this::save);
    step(new RaftInput.TermVotePersisted(host.nowMs(), tv));
  }

  // ---------------------------------------------------------------- the writer

  private void openWriter(long term) {
    host.whenDone(
        storage.log().openWriter(term, self()),
        (writer, failure) ->
            new Completion(
                incarnation,
                () -> onWriterOpened(term, writer, failure),
                () -> {
                  if (writer != null) {
                    writer.close(); // opened for an incarnation that is gone
                  }
                }));
  }

  private void onWriterOpened(long term, LogWriter writer, Throwable failure) {
    if (failure != null) {
      Throwable f = unwrap(failure);
      host.log().warn("{}: openWriter({}) failed", who(), term, f);
      step(new RaftInput.WriterOpenFailed(host.nowMs(), term, String.valueOf(f)));
      return;
    }
    writers.opened(term, writer);
    step(new RaftInput.WriterOpened(host.nowMs(), term));
  }

  private void append(Effect.Append a) {
    Optional<LogWriter> w = writers.of(a.term());
    CompletionStage<List<Long>> result =
        w.isPresent()
            ? w.get().append(a.entries())
            : CompletableFuture.failedFuture(
                new IllegalStateException("no open writer for term " + a.term()));
    long issuedMs = host.nowMs();
    int entries = a.entries().size();
    host.whenDone(
        result,
        (indices, failure) ->
            current(
                () -> {
                  host.onAppended(entries, host.nowMs() - issuedMs, failure);
                  onAppended(a.term(), indices, failure);
                }));
  }

  private void onAppended(long term, List<Long> indices, Throwable failure) {
    if (failure == null) {
      step(new RaftInput.AppendCompleted(host.nowMs(), term, indices));
      return;
    }
    Throwable f = unwrap(failure);
    boolean fenced = f instanceof LogFencedException;
    host.log()
        .warn("{}: append of term {} failed (fenced: {}): {}", who(), term, fenced, f.toString());
    step(new RaftInput.AppendFailed(host.nowMs(), term, fenced, f.toString()));
  }

  // ---------------------------------------------------------------- helpers

  /** A completion that runs {@code action} if it comes back to this incarnation. */
  Completion current(Runnable action) {
    return new Completion(incarnation, action, () -> {});
  }

  DriverHost host() {
    return host;
  }

  Applier<C, R> applierForSnapshots() {
    return applier;
  }

  String shard() {
    return options.config().shard();
  }

  String self() {
    return options.config().self();
  }

  String who() {
    return shard() + "/" + self();
  }

  static Throwable unwrap(Throwable t) {
    Throwable x = t;
    while (x instanceof CompletionException && x.getCause() != null) {
      x = x.getCause();
    }
    return x;
  }
}
