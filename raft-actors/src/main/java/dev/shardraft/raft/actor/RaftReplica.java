package dev.shardraft.raft.actor;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.Effect;
import dev.shardraft.raft.core.RaftConfig;
import dev.shardraft.raft.core.RaftCore;
import dev.shardraft.raft.core.RaftInput;
import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.RaftState;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.core.Role;
import dev.shardraft.raft.core.TimerKey;
import dev.shardraft.raft.core.Transition;
import dev.shardraft.raft.core.apply.Applier;
import dev.shardraft.raft.core.apply.ApplyResult;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogTruncatedException;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.TailEvent;
import dev.shardraft.raft.port.TermAndVote;
import dev.shardraft.raft.serialization.CborSerializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.typed.javadsl.ActorSink;

/**
 * One replica of one Raft group as a Pekko typed actor: a thin shell around the pure {@link
 * RaftCore}. Every message becomes a {@link RaftInput}; every {@link Effect} of the resulting
 * {@link Transition} is carried out in list order (see {@link Effect} for the rules); the behavior
 * that follows is {@link #follower}, {@link #candidate} or {@link #leader}, after the core's new
 * role. There is no Raft logic here.
 *
 * <p>Lifecycle: {@link #starting} loads term/vote and the newest snapshot (stashing everything
 * else), restores the {@link Applier}, calls {@link RaftCore#init} and materializes the log tail
 * into the actor with back-pressure. A supervisor restart or a stop/start repeats exactly that, so
 * term and vote always come from the {@code RaftMetaStore} and the state from snapshot + log.
 * Results of asynchronous calls made before a restart carry the old incarnation and are dropped.
 *
 * <p>A tail that ends with {@link LogTruncatedException} (the log was cut above this replica's
 * position) makes the replica restart, so that {@link #starting} loads the newest snapshot, which
 * reaches the cut because a snapshot is always saved before the log is cut. If the snapshot just
 * loaded does not reach the log start either, the replica logs an ERROR, applies nothing and
 * reloads after a doubling back-off; it never applies from a gap.
 *
 * @param <C> the state machine's command type
 * @param <R> the state machine's reply type
 */
public final class RaftReplica<C, R> {

  /** The replica's protocol: public messages below, private internal ones further down. */
  public sealed interface Command {}

  // ---------------------------------------------------------------- public protocol

  /**
   * A message from another replica of the group. The concrete {@link RaftMessage} record travels
   * with a type name (the core stays free of Jackson annotations).
   */
  public record PeerMessage(
      @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
          @JsonSubTypes({
            @JsonSubTypes.Type(value = RaftMessage.PreVoteRequest.class, name = "pre-vote"),
            @JsonSubTypes.Type(
                value = RaftMessage.PreVoteResponse.class,
                name = "pre-vote-response"),
            @JsonSubTypes.Type(value = RaftMessage.VoteRequest.class, name = "vote"),
            @JsonSubTypes.Type(value = RaftMessage.VoteResponse.class, name = "vote-response"),
            @JsonSubTypes.Type(value = RaftMessage.Heartbeat.class, name = "heartbeat"),
            @JsonSubTypes.Type(
                value = RaftMessage.HeartbeatResponse.class,
                name = "heartbeat-response"),
            @JsonSubTypes.Type(value = RaftMessage.TimeoutNow.class, name = "timeout-now")
          })
          RaftMessage message)
      implements Command, CborSerializable {
    public PeerMessage {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * A client command, identified by {@code (clientId, sequence)} for exactly-once application.
   * Answered once with a {@link SubmitReply}: {@link Applied}, {@link Rejected} or {@link Retry}.
   */
  public record Submit(
      String clientId, long sequence, byte[] payload, ActorRef<SubmitReply> replyTo)
      implements Command, CborSerializable {
    @Override
    public boolean equals(Object o) {
      return o instanceof Submit s
          && s.sequence == sequence
          && Objects.equals(s.clientId, clientId)
          && Arrays.equals(s.payload, payload)
          && Objects.equals(s.replyTo, replyTo);
    }

    @Override
    public int hashCode() {
      return Objects.hash(clientId, sequence, replyTo);
    }

    @Override
    public String toString() {
      return "Submit[" + clientId + "#" + sequence + "]";
    }
  }

  /** The answer to a {@link Submit}. */
  public sealed interface SubmitReply extends CborSerializable {}

  /**
   * The command is applied. {@code duplicate}: it had been applied before and this answer comes
   * from the client's session (it was not applied again).
   */
  public record Applied(long index, byte[] reply, boolean duplicate) implements SubmitReply {
    @Override
    public boolean equals(Object o) {
      return o instanceof Applied a
          && a.index == index
          && a.duplicate == duplicate
          && Arrays.equals(a.reply, reply);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(index) * 31 + Arrays.hashCode(reply);
    }

    @Override
    public String toString() {
      return "Applied[index=" + index + ", duplicate=" + duplicate + "]";
    }
  }

  /** Definitively refused; retrying the same {@code (clientId, sequence)} cannot succeed. */
  public record Rejected(String reason) implements SubmitReply {}

  /**
   * Not done here, now: retry with the same {@code (clientId, sequence)} (or read), at {@code
   * leaderHint} if present.
   */
  public record Retry(Optional<String> leaderHint, String reason)
      implements SubmitReply, ReadReply {}

  /**
   * A read of the applied state; {@code query} is passed to {@link QueryableStateMachine#query}.
   */
  public record Read(ReadMode mode, byte[] query, ActorRef<ReadReply> replyTo)
      implements Command, CborSerializable {
    @Override
    public boolean equals(Object o) {
      return o instanceof Read r
          && r.mode == mode
          && Arrays.equals(r.query, query)
          && Objects.equals(r.replyTo, replyTo);
    }

    @Override
    public int hashCode() {
      return Objects.hash(mode, replyTo);
    }

    @Override
    public String toString() {
      return "Read[" + mode + "]";
    }
  }

  /** The answer to a {@link Read}: {@link ReadResult}, {@link ReadFailed} or {@link Retry}. */
  public sealed interface ReadReply extends CborSerializable {}

  /** The query's answer from a state that reflects the log at least up to {@code index}. */
  public record ReadResult(long index, ReadMode mode, byte[] result) implements ReadReply {
    @Override
    public boolean equals(Object o) {
      return o instanceof ReadResult r
          && r.index == index
          && r.mode == mode
          && Arrays.equals(r.result, result);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(index) * 31 + Arrays.hashCode(result);
    }

    @Override
    public String toString() {
      return "ReadResult[index=" + index + ", " + mode + ", " + result.length + " bytes]";
    }
  }

  /** The state machine could not answer the query. */
  public record ReadFailed(String reason) implements ReadReply {}

  /** Ask this replica, if leader, to hand leadership to {@code target}. */
  public record TransferLeadership(String target, ActorRef<TransferReply> replyTo)
      implements Command, CborSerializable {}

  /** The answer to a {@link TransferLeadership}. */
  public sealed interface TransferReply extends CborSerializable {}

  /** The transfer started; {@code target} campaigns once it has caught up. */
  public record TransferStarted(String target) implements TransferReply {}

  /** The transfer was not started (not leader, unknown target). */
  public record TransferRefused(String target, String reason) implements TransferReply {}

  /** Asks for the replica's {@link Status} (operators, tests). */
  public record GetStatus(ActorRef<Status> replyTo) implements Command, CborSerializable {}

  /**
   * What a replica reports about itself.
   *
   * @param role {@code Starting}, {@code Follower}, {@code PreCandidate}, {@code Candidate} or
   *     {@code Leader}
   * @param leaderReady a leader that has applied its own barrier (takes commands and reads)
   * @param skippedStaleTerm log positions skipped because their term was stale
   * @param skippedUndecodable log positions skipped because they did not decode
   * @param duplicates retried commands answered from a session
   */
  public record Status(
      String replica,
      String role,
      long term,
      Optional<String> votedFor,
      Optional<String> leader,
      boolean leaderReady,
      long appliedIndex,
      long logTerm,
      long skippedStaleTerm,
      long skippedUndecodable,
      long duplicates)
      implements CborSerializable {}

  // ---------------------------------------------------------------- internal messages

  /** Term/vote and newest snapshot loaded (or the load failed). */
  private record Loaded(
      long incarnation,
      TermAndVote termAndVote,
      Optional<Snapshot> snapshot,
      Optional<Throwable> failure)
      implements Command, NoSerializationVerificationNeeded {}

  private enum RetryLoad implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private record TimerFired(TimerKey key) implements Command, NoSerializationVerificationNeeded {}

  private record TermVoteSaved(
      long incarnation, TermAndVote termAndVote, Optional<Throwable> failure)
      implements Command, NoSerializationVerificationNeeded {}

  private enum RetryTermVoteSave implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private record WriterOpenDone(
      long incarnation, long term, Optional<LogWriter> writer, Optional<Throwable> failure)
      implements Command, NoSerializationVerificationNeeded {}

  private record AppendDone(
      long incarnation, long term, List<Long> indices, Optional<Throwable> failure)
      implements Command, NoSerializationVerificationNeeded {}

  /** The ack the tail stream waits for before it sends the next element. */
  private enum TailAck implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  private record TailStarted(long tail, ActorRef<TailAck> ackTo)
      implements Command, NoSerializationVerificationNeeded {}

  private record TailElement(long tail, TailEvent event, ActorRef<TailAck> ackTo)
      implements Command, NoSerializationVerificationNeeded {}

  private record TailEnded(long tail, Optional<Throwable> failure)
      implements Command, NoSerializationVerificationNeeded {}

  private enum RestartTail implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  /** Time to reload the newest snapshot after a tail found the log start above its position. */
  private enum ReloadSnapshot implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  /**
   * Thrown to make the supervisor restart the replica at once (no back-off, no ERROR log of its
   * own): {@link #starting} then loads the newest snapshot.
   */
  private static final class ReloadFromSnapshot extends RuntimeException {
    ReloadFromSnapshot(String why, Throwable cause) {
      super("reloading the newest snapshot: " + why, cause);
    }
  }

  private record SnapshotSaved(long incarnation, Snapshot snapshot, Optional<Throwable> failure)
      implements Command, NoSerializationVerificationNeeded {}

  private record LogDeleted(long incarnation, long before, Optional<Throwable> failure)
      implements Command, NoSerializationVerificationNeeded {}

  // ---------------------------------------------------------------- setup

  private static final AtomicLong IDS = new AtomicLong();

  /**
   * The replica behavior, supervised: on an exception it restarts with back-off and reloads term,
   * vote and state from the stores. A tail that fell below the log start restarts it at once (see
   * the class comment).
   *
   * @param stateMachine makes a fresh state machine at every (re)start
   */
  public static <C, R> Behavior<Command> create(
      ReplicaSettings settings,
      ReplicaPorts ports,
      Supplier<? extends QueryableStateMachine<C, R>> stateMachine) {
    // Outside the supervisors, so once per actor: the back-off of snapshot reloads that did not
    // reach the log start must survive the restarts it causes.
    return Behaviors.setup(
        outer -> {
          Backoff reloads = new Backoff(settings.storageRetryMin(), settings.storageRetryMax());
          Behavior<Command> replica =
              Behaviors.setup(
                  context ->
                      Behaviors.withTimers(
                          timers ->
                              Behaviors.withStash(
                                  settings.stashCapacity(),
                                  stash ->
                                      new RaftReplica<C, R>(
                                              settings,
                                              ports,
                                              stateMachine,
                                              context,
                                              timers,
                                              stash,
                                              reloads)
                                          .starting())));
          Behavior<Command> reloading =
              Behaviors.supervise(replica)
                  .onFailure(
                      ReloadFromSnapshot.class,
                      SupervisorStrategy.restart().withLoggingEnabled(false));
          return Behaviors.supervise(reloading)
              .onFailure(
                  SupervisorStrategy.restartWithBackoff(
                      settings.storageRetryMin(), settings.storageRetryMax(), 0.2));
        });
  }

  private final ReplicaSettings settings;
  private final RaftConfig config;
  private final ReplicaPorts ports;
  private final Supplier<? extends QueryableStateMachine<C, R>> stateMachines;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final long incarnation = IDS.incrementAndGet();
  private final LogWriters writers = new LogWriters();
  private final TermVoteSaves termVoteSaves = new TermVoteSaves();
  private final PendingRequests pending = new PendingRequests();
  private final Backoff storageBackoff;
  private final Backoff tailBackoff;
  private final Backoff reloadBackoff;
  private QueryableStateMachine<C, R> machine;

  /** The next index right after loading (the snapshot's, or 0): where the first tail started. */
  private long loadedNextIndex;

  private Applier<C, R> applier;
  private long tail;
  private Optional<UniqueKillSwitch> tailSwitch = Optional.empty();
  private boolean snapshotInFlight;

  private RaftReplica(
      ReplicaSettings settings,
      ReplicaPorts ports,
      Supplier<? extends QueryableStateMachine<C, R>> stateMachines,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      StashBuffer<Command> stash,
      Backoff reloadBackoff) {
    this.settings = settings;
    this.config = settings.raftConfig();
    this.ports = ports;
    this.stateMachines = stateMachines;
    this.context = context;
    this.timers = timers;
    this.stash = stash;
    this.storageBackoff = new Backoff(settings.storageRetryMin(), settings.storageRetryMax());
    this.tailBackoff = new Backoff(settings.storageRetryMin(), settings.storageRetryMax());
    this.reloadBackoff = reloadBackoff;
  }

  // ---------------------------------------------------------------- behaviors

  /** Loads term/vote and the newest snapshot; everything else waits in the stash. */
  private Behavior<Command> starting() {
    load();
    return Behaviors.receive(Command.class)
        .onMessage(Loaded.class, this::onLoaded)
        .onMessageEquals(RetryLoad.INSTANCE, this::onRetryLoad)
        .onMessage(GetStatus.class, this::onStatusWhileStarting)
        .onAnyMessage(this::stashWhileStarting)
        .onSignal(PreRestart.class, this::onStop)
        .onSignal(PostStop.class, this::onStop)
        .build();
  }

  /** The follower role (also used while the core is a leaderless follower). */
  private Behavior<Command> follower(RaftState state) {
    return running(state);
  }

  /** The pre-candidate and candidate roles. */
  private Behavior<Command> candidate(RaftState state) {
    return running(state);
  }

  /** The leader role. */
  private Behavior<Command> leader(RaftState state) {
    return running(state);
  }

  /**
   * The roles differ only inside the core, so every role behavior hands the same messages to it;
   * the role methods exist so that the actor's behavior always names the core's role.
   */
  private Behavior<Command> running(RaftState s) {
    return Behaviors.receive(Command.class)
        .onMessage(PeerMessage.class, m -> step(s, new RaftInput.Receive(now(), m.message())))
        .onMessage(Submit.class, m -> onSubmit(s, m))
        .onMessage(Read.class, m -> onRead(s, m))
        .onMessage(TransferLeadership.class, m -> onTransfer(s, m))
        .onMessage(GetStatus.class, m -> onStatus(s, m))
        .onMessage(TimerFired.class, m -> step(s, new RaftInput.Timeout(now(), m.key())))
        .onMessage(TermVoteSaved.class, m -> onTermVoteSaved(s, m))
        .onMessageEquals(RetryTermVoteSave.INSTANCE, () -> onRetryTermVoteSave(s))
        .onMessage(WriterOpenDone.class, m -> onWriterOpenDone(s, m))
        .onMessage(AppendDone.class, m -> onAppendDone(s, m))
        .onMessage(TailStarted.class, m -> onTailStarted(s, m))
        .onMessage(TailElement.class, m -> onTailElement(s, m))
        .onMessage(TailEnded.class, m -> onTailEnded(s, m))
        .onMessageEquals(RestartTail.INSTANCE, () -> onRestartTail(s))
        .onMessageEquals(ReloadSnapshot.INSTANCE, this::onReloadSnapshot)
        .onMessage(SnapshotSaved.class, m -> onSnapshotSaved(s, m))
        .onMessage(LogDeleted.class, m -> onLogDeleted(s, m))
        .onMessage(Loaded.class, m -> ignoreStale(s, m))
        .onMessageEquals(RetryLoad.INSTANCE, () -> Behaviors.same())
        .onSignal(PreRestart.class, this::onStop)
        .onSignal(PostStop.class, this::onStop)
        .build();
  }

  /** The behavior for the core's role in {@code s}. */
  private Behavior<Command> behaviorFor(RaftState s) {
    Role role = s.role();
    if (role instanceof Role.Leader) {
      return leader(s);
    } else if (role instanceof Role.Candidate || role instanceof Role.PreCandidate) {
      return candidate(s);
    } else {
      return follower(s);
    }
  }

  // ---------------------------------------------------------------- start-up

  private void load() {
    context.pipeToSelf(
        ports
            .meta()
            .load(settings.shard(), settings.self())
            .thenCombine(ports.snapshots().latest(settings.shard()), Loaded0::new),
        (ok, failure) ->
            ok != null
                ? new Loaded(incarnation, ok.tv(), ok.snapshot(), Optional.empty())
                : new Loaded(
                    incarnation,
                    TermAndVote.INITIAL,
                    Optional.empty(),
                    Optional.of(unwrap(failure))));
  }

  private record Loaded0(TermAndVote tv, Optional<Snapshot> snapshot) {}

  private Behavior<Command> onLoaded(Loaded m) {
    if (m.incarnation() != incarnation) {
      return Behaviors.same();
    }
    if (m.failure().isPresent()) {
      Duration delay = storageBackoff.next();
      context
          .getLog()
          .warn(
              "{}/{}: loading term/vote and snapshot failed, retrying in {}",
              settings.shard(),
              settings.self(),
              delay,
              m.failure().get());
      timers.startSingleTimer(RetryLoad.INSTANCE, RetryLoad.INSTANCE, delay);
      return Behaviors.same();
    }
    storageBackoff.reset();
    machine = stateMachines.get();
    applier = new Applier<>(machine, settings.sessionExpiryPositions());
    m.snapshot().ifPresent(this::restore);
    loadedNextIndex = applier.nextIndex();
    Transition t =
        RaftCore.init(
            config,
            m.termAndVote(),
            applier.lastIndex(),
            applier.logTerm(),
            now(),
            settings.seed() * 31 + incarnation);
    context
        .getLog()
        .info(
            "{}/{}: started at term {} (vote {}), applied up to {}, tailing from {}",
            settings.shard(),
            settings.self(),
            m.termAndVote().term(),
            m.termAndVote().votedFor().orElse("-"),
            applier.lastIndex(),
            applier.nextIndex());
    startTail();
    execute(t.effects());
    return stash.unstashAll(behaviorFor(t.next()));
  }

  private void restore(Snapshot snapshot) {
    try {
      applier.restore(snapshot);
    } catch (IllegalArgumentException e) {
      context
          .getLog()
          .error(
              "{}/{}: snapshot {} cannot be restored; failing the replica",
              settings.shard(),
              settings.self(),
              snapshot,
              e);
      throw new IllegalStateException("unrestorable snapshot " + snapshot, e);
    }
  }

  private Behavior<Command> onRetryLoad() {
    load();
    return Behaviors.same();
  }

  private Behavior<Command> onStatusWhileStarting(GetStatus m) {
    m.replyTo()
        .tell(
            new Status(
                settings.self(),
                "Starting",
                0,
                Optional.empty(),
                Optional.empty(),
                false,
                -1,
                0,
                0,
                0,
                0));
    return Behaviors.same();
  }

  private Behavior<Command> stashWhileStarting(Command m) {
    if (stash.isFull()) {
      context
          .getLog()
          .warn(
              "{}/{}: stash full while starting, dropping {}",
              settings.shard(),
              settings.self(),
              m);
      if (m instanceof Submit s) {
        s.replyTo().tell(new Retry(Optional.empty(), "replica starting, stash full"));
      } else if (m instanceof Read r) {
        r.replyTo().tell(new Retry(Optional.empty(), "replica starting, stash full"));
      }
      return Behaviors.same();
    }
    stash.stash(m);
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- stepping the core

  /** Feeds one input to the core, executes its effects, returns the behavior of the new role. */
  private Behavior<Command> step(RaftState s, RaftInput input) {
    return after(s, RaftCore.step(s, input));
  }

  private Behavior<Command> after(RaftState before, Transition t) {
    RaftState next = t.next();
    String from = before.role().name() + "@" + before.term();
    String to = next.role().name() + "@" + next.term();
    if (!before.role().getClass().equals(next.role().getClass())) {
      context.getLog().info("{}/{}: {} -> {}", settings.shard(), settings.self(), from, to);
    }
    execute(t.effects());
    if (!next.isLeader() && !pending.isEmpty()) {
      context
          .getLog()
          .warn(
              "{}/{}: {} requests left unanswered by the core as {}; answering retry",
              settings.shard(),
              settings.self(),
              pending.size(),
              to);
      pending.retryAll(new Retry(next.leaderHint(), "not leader"));
    }
    return behaviorFor(next);
  }

  private Behavior<Command> onSubmit(RaftState s, Submit m) {
    if (m.clientId() == null || m.clientId().isEmpty() || m.sequence() < 1 || m.payload() == null) {
      m.replyTo().tell(new Rejected("need a clientId, a sequence >= 1 and a payload"));
      return Behaviors.same();
    }
    long id = pending.addCommand(m.replyTo());
    return step(s, new RaftInput.ClientCommand(now(), id, m.clientId(), m.sequence(), m.payload()));
  }

  private Behavior<Command> onRead(RaftState s, Read m) {
    long id = pending.addRead(m.replyTo(), m.query() == null ? new byte[0] : m.query());
    return step(s, new RaftInput.ClientRead(now(), id, m.mode()));
  }

  /** The core refuses a transfer in the same step, or starts it. */
  private Behavior<Command> onTransfer(RaftState s, TransferLeadership m) {
    Transition t = RaftCore.step(s, new RaftInput.TransferLeadership(now(), m.target()));
    Optional<Effect.TransferRefused> refused =
        t.effects().stream()
            .filter(Effect.TransferRefused.class::isInstance)
            .map(Effect.TransferRefused.class::cast)
            .findFirst();
    m.replyTo()
        .tell(
            refused
                .<TransferReply>map(r -> new TransferRefused(r.target(), r.reason()))
                .orElse(new TransferStarted(m.target())));
    return after(s, t);
  }

  private Behavior<Command> onStatus(RaftState s, GetStatus m) {
    boolean ready = s.role() instanceof Role.Leader l && l.ready();
    m.replyTo()
        .tell(
            new Status(
                settings.self(),
                s.role().name(),
                s.term(),
                s.votedFor(),
                s.leaderHint(),
                ready,
                s.appliedIndex(),
                s.logTerm(),
                applier.skippedStaleTerm(),
                applier.skippedUndecodable(),
                applier.duplicates()));
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- effects

  private void execute(List<Effect> effects) {
    for (Effect e : effects) {
      if (e instanceof Effect.PersistTermVote p) {
        termVoteSaves.offer(p.termAndVote()).ifPresent(this::saveTermVote);
      } else if (e instanceof Effect.OpenWriter o) {
        openWriter(o.term());
      } else if (e instanceof Effect.Append a) {
        append(a);
      } else if (e instanceof Effect.CloseWriter c) {
        writers.close(c.term());
      } else if (e instanceof Effect.Send x) {
        ports.peers().tell(x.to(), new PeerMessage(x.message()));
      } else if (e instanceof Effect.ReplyCommand r) {
        pending.takeCommand(r.requestId()).ifPresent(p -> p.replyTo().tell(toReply(r.outcome())));
      } else if (e instanceof Effect.ServeRead r) {
        pending.takeRead(r.requestId()).ifPresent(p -> serveRead(p, r));
      } else if (e instanceof Effect.RejectRead r) {
        pending.takeRead(r.requestId()).ifPresent(p -> p.replyTo().tell(toRetry(r.retry())));
      } else if (e instanceof Effect.TransferRefused t) {
        context
            .getLog()
            .info(
                "{}/{}: transfer to {} refused: {}",
                settings.shard(),
                settings.self(),
                t.target(),
                t.reason());
      } else if (e instanceof Effect.StartTimer t) {
        Duration delay = Duration.ofMillis(Math.max(0, t.atMs() - now()));
        timers.startSingleTimer(t.key(), new TimerFired(t.key()), delay);
      } else if (e instanceof Effect.CancelTimer t) {
        timers.cancel(t.key());
      } else {
        throw new IllegalStateException("unknown effect " + e);
      }
    }
  }

  private void saveTermVote(TermAndVote tv) {
    context.pipeToSelf(
        ports.meta().save(settings.shard(), settings.self(), tv),
        (ok, failure) -> new TermVoteSaved(incarnation, tv, Optional.ofNullable(failure)));
  }

  private Behavior<Command> onTermVoteSaved(RaftState s, TermVoteSaved m) {
    if (m.incarnation() != incarnation) {
      return Behaviors.same();
    }
    if (m.failure().isPresent()) {
      Duration delay = storageBackoff.next();
      context
          .getLog()
          .warn(
              "{}/{}: saving {} failed, retrying in {}",
              settings.shard(),
              settings.self(),
              m.termAndVote(),
              delay,
              unwrap(m.failure().get()));
      timers.startSingleTimer(RetryTermVoteSave.INSTANCE, RetryTermVoteSave.INSTANCE, delay);
      return Behaviors.same();
    }
    storageBackoff.reset();
    termVoteSaves.completed().ifPresent(this::saveTermVote);
    return step(s, new RaftInput.TermVotePersisted(now(), m.termAndVote()));
  }

  private Behavior<Command> onRetryTermVoteSave(RaftState s) {
    termVoteSaves.running().ifPresent(this::saveTermVote);
    return Behaviors.same();
  }

  private void openWriter(long term) {
    context.pipeToSelf(
        ports.log().openWriter(term, settings.self()),
        (w, failure) ->
            new WriterOpenDone(
                incarnation,
                term,
                Optional.ofNullable(w),
                Optional.ofNullable(failure).map(RaftReplica::unwrap)));
  }

  private Behavior<Command> onWriterOpenDone(RaftState s, WriterOpenDone m) {
    if (m.incarnation() != incarnation) {
      m.writer().ifPresent(LogWriter::close);
      return Behaviors.same();
    }
    if (m.failure().isPresent()) {
      context
          .getLog()
          .warn(
              "{}/{}: openWriter({}) failed",
              settings.shard(),
              settings.self(),
              m.term(),
              m.failure().get());
      return step(
          s, new RaftInput.WriterOpenFailed(now(), m.term(), String.valueOf(m.failure().get())));
    }
    writers.opened(m.term(), m.writer().orElseThrow());
    return step(s, new RaftInput.WriterOpened(now(), m.term()));
  }

  private void append(Effect.Append a) {
    Optional<LogWriter> w = writers.of(a.term());
    if (w.isEmpty()) {
      context
          .getSelf()
          .tell(
              new AppendDone(
                  incarnation,
                  a.term(),
                  List.of(),
                  Optional.of(new IllegalStateException("no open writer for term " + a.term()))));
      return;
    }
    context.pipeToSelf(
        w.get().append(a.entries()),
        (indices, failure) ->
            new AppendDone(
                incarnation,
                a.term(),
                indices == null ? List.of() : indices,
                Optional.ofNullable(failure).map(RaftReplica::unwrap)));
  }

  private Behavior<Command> onAppendDone(RaftState s, AppendDone m) {
    if (m.incarnation() != incarnation) {
      return Behaviors.same();
    }
    if (m.failure().isEmpty()) {
      return step(s, new RaftInput.AppendCompleted(now(), m.term(), m.indices()));
    }
    Throwable f = m.failure().get();
    boolean fenced = f instanceof LogFencedException;
    context
        .getLog()
        .warn(
            "{}/{}: append of term {} failed (fenced: {}): {}",
            settings.shard(),
            settings.self(),
            m.term(),
            fenced,
            f.toString());
    return step(s, new RaftInput.AppendFailed(now(), m.term(), fenced, f.toString()));
  }

  private void serveRead(PendingRequests.Read p, Effect.ServeRead r) {
    try {
      p.replyTo().tell(new ReadResult(r.readIndex(), r.mode(), machine.query(p.query())));
    } catch (RuntimeException e) {
      context.getLog().warn("{}/{}: query failed", settings.shard(), settings.self(), e);
      p.replyTo().tell(new ReadFailed("query failed: " + e));
    }
  }

  // ---------------------------------------------------------------- the log tail

  private void startTail() {
    long id = IDS.incrementAndGet();
    tail = id;
    Sink<TailEvent, NotUsed> sink =
        ActorSink.<TailEvent, Command, TailAck>actorRefWithBackpressure(
            context.getSelf(),
            (ackTo, event) -> new TailElement(id, event, ackTo),
            ackTo -> new TailStarted(id, ackTo),
            TailAck.INSTANCE,
            new TailEnded(id, Optional.empty()),
            failure -> new TailEnded(id, Optional.of(failure)));
    tailSwitch =
        Optional.of(
            ports
                .log()
                .tail(applier.nextIndex())
                .viaMat(KillSwitches.single(), Keep.right())
                .to(sink)
                .run(Materializer.matFromSystem(context.getSystem())));
  }

  private Behavior<Command> onTailStarted(RaftState s, TailStarted m) {
    m.ackTo().tell(TailAck.INSTANCE);
    return Behaviors.same();
  }

  /** Applies one position, reports it to the core, maybe snapshots, then asks for the next. */
  private Behavior<Command> onTailElement(RaftState s, TailElement m) {
    if (m.tail() != tail) {
      return Behaviors.same(); // a stream we already replaced; it is being cancelled
    }
    tailBackoff.reset();
    reloadBackoff.reset();
    Optional<ApplyResult> applied = applier.apply(m.event());
    Behavior<Command> next =
        applied.isPresent() ? step(s, applied.get().toInput(now())) : Behaviors.same();
    maybeSnapshot();
    m.ackTo().tell(TailAck.INSTANCE);
    return next;
  }

  private Behavior<Command> onTailEnded(RaftState s, TailEnded m) {
    if (m.tail() != tail) {
      return Behaviors.same();
    }
    tailSwitch = Optional.empty();
    Optional<LogTruncatedException> truncated = m.failure().flatMap(RaftReplica::truncation);
    if (truncated.isPresent()) {
      return onLogTruncated(truncated.get());
    }
    Duration delay = tailBackoff.next();
    if (m.failure().isPresent()) {
      context
          .getLog()
          .warn(
              "{}/{}: log tail failed at {}, restarting in {}",
              settings.shard(),
              settings.self(),
              applier.nextIndex(),
              delay,
              m.failure().get());
    } else {
      context
          .getLog()
          .warn(
              "{}/{}: log tail completed at {} (it should not), restarting in {}",
              settings.shard(),
              settings.self(),
              applier.nextIndex(),
              delay);
    }
    timers.startSingleTimer(RestartTail.INSTANCE, RestartTail.INSTANCE, delay);
    return Behaviors.same();
  }

  private Behavior<Command> onRestartTail(RaftState s) {
    startTail();
    return Behaviors.same();
  }

  /**
   * The log was cut above this replica's tail position: tailing on from the log start would skip
   * entries. If the replica applied something since it loaded, it fell behind while running:
   * restart now, loading the newest snapshot (it reaches the cut). Otherwise the snapshot it just
   * loaded does not reach the log start: no tail, ERROR, and a reload after a doubling back-off.
   */
  private Behavior<Command> onLogTruncated(LogTruncatedException e) {
    if (applier.nextIndex() > loadedNextIndex) {
      context
          .getLog()
          .warn(
              "{}/{}: the log was deleted up to {}, above this replica's position"
                  + " {}; restarting to load the newest snapshot",
              settings.shard(),
              settings.self(),
              e.logStart(),
              e.requestedIndex());
      throw new ReloadFromSnapshot("the tail fell below the log start", e);
    }
    Duration delay = reloadBackoff.next();
    context
        .getLog()
        .error(
            "{}/{}: the log starts at {} but the newest snapshot loaded reaches"
                + " only {}: the entries in between cannot be read. Applying nothing; loading the"
                + " newest snapshot again in {}",
            settings.shard(),
            settings.self(),
            e.logStart(),
            loadedNextIndex,
            delay,
            e);
    timers.startSingleTimer(ReloadSnapshot.INSTANCE, ReloadSnapshot.INSTANCE, delay);
    return Behaviors.same();
  }

  private Behavior<Command> onReloadSnapshot() {
    throw new ReloadFromSnapshot("the last one loaded did not reach the log start", null);
  }

  /** The {@link LogTruncatedException} in {@code failure}'s cause chain, if any. */
  private static Optional<LogTruncatedException> truncation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof LogTruncatedException e) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- snapshots

  private void maybeSnapshot() {
    if (settings.snapshotEvery() == 0
        || snapshotInFlight
        || !applier.snapshotDue(settings.snapshotEvery())) {
      return;
    }
    Snapshot snap = applier.snapshot();
    snapshotInFlight = true;
    context.pipeToSelf(
        ports.snapshots().save(settings.shard(), snap),
        (ok, failure) -> new SnapshotSaved(incarnation, snap, Optional.ofNullable(failure)));
  }

  private Behavior<Command> onSnapshotSaved(RaftState s, SnapshotSaved m) {
    if (m.incarnation() != incarnation) {
      return Behaviors.same();
    }
    snapshotInFlight = false;
    if (m.failure().isPresent()) {
      context
          .getLog()
          .warn(
              "{}/{}: saving {} failed; the next one is due in {} positions",
              settings.shard(),
              settings.self(),
              m.snapshot(),
              settings.snapshotEvery(),
              unwrap(m.failure().get()));
      return Behaviors.same();
    }
    context.getLog().debug("{}/{}: saved {}", settings.shard(), settings.self(), m.snapshot());
    if (settings.deleteLogAfterSnapshot()) {
      deletableBefore(s, m.snapshot())
          .ifPresent(
              before ->
                  context.pipeToSelf(
                      ports.log().deleteBefore(before),
                      (ok, failure) ->
                          new LogDeleted(incarnation, before, Optional.ofNullable(failure))));
    }
    return Behaviors.same();
  }

  /**
   * Where the log may be cut after {@code snapshot}: only a leader cuts, and never above what every
   * peer last reported as applied, so no live replica that lags behind loses entries it has not
   * read yet (a replica that starts later loads the newest snapshot, which covers the cut).
   */
  private static Optional<Long> deletableBefore(RaftState s, Snapshot snapshot) {
    if (!(s.role() instanceof Role.Leader l)) {
      return Optional.empty();
    }
    long before = snapshot.nextIndex();
    for (Role.Leader.PeerProgress p : l.peers().values()) {
      before = Math.min(before, p.appliedIndex() + 1);
    }
    return before > 0 ? Optional.of(before) : Optional.empty();
  }

  private Behavior<Command> onLogDeleted(RaftState s, LogDeleted m) {
    if (m.failure().isPresent()) {
      context
          .getLog()
          .warn(
              "{}/{}: deleting the log before {} failed",
              settings.shard(),
              settings.self(),
              m.before(),
              unwrap(m.failure().get()));
    }
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- stop and restart

  private Behavior<Command> ignoreStale(RaftState s, Loaded m) {
    return Behaviors.same();
  }

  /** Stop or restart: answer every waiting client, stop the tail, close writers. */
  private Behavior<Command> onStop(Signal signal) {
    pending.retryAll(new Retry(Optional.empty(), "replica " + settings.self() + " stopped"));
    tailSwitch.ifPresent(UniqueKillSwitch::shutdown);
    tailSwitch = Optional.empty();
    writers.closeAll();
    context
        .getLog()
        .info(
            "{}/{}: {}",
            settings.shard(),
            settings.self(),
            signal instanceof PreRestart ? "restarting" : "stopped");
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- translation helpers

  private long now() {
    return ports.clockMs().getAsLong();
  }

  private static SubmitReply toReply(CommandOutcome o) {
    if (o instanceof CommandOutcome.Success s) {
      return new Applied(s.index(), s.reply(), s.duplicate());
    } else if (o instanceof CommandOutcome.Rejected r) {
      return new Rejected(r.reason());
    } else {
      return toRetry((CommandOutcome.Retry) o);
    }
  }

  private static Retry toRetry(CommandOutcome.Retry r) {
    return new Retry(r.leaderHint(), r.reason());
  }

  private static Throwable unwrap(Throwable t) {
    Throwable x = t;
    while (x instanceof CompletionException && x.getCause() != null) {
      x = x.getCause();
    }
    return x;
  }
}
