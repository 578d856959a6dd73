package dev.shardraft.raft.actor;

import dev.shardraft.raft.actor.ReplicaProtocol.Command;
import dev.shardraft.raft.actor.ReplicaProtocol.GetStatus;
import dev.shardraft.raft.actor.ReplicaProtocol.LeaderNodeSuspected;
import dev.shardraft.raft.actor.ReplicaProtocol.PeerMessage;
import dev.shardraft.raft.actor.ReplicaProtocol.Read;
import dev.shardraft.raft.actor.ReplicaProtocol.Retry;
import dev.shardraft.raft.actor.ReplicaProtocol.Submit;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferLeadership;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferRefused;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferReply;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferStarted;
import dev.shardraft.raft.core.RetryReason;
import dev.shardraft.raft.driver.Backoff;
import dev.shardraft.raft.driver.Completion;
import dev.shardraft.raft.driver.DriverHost;
import dev.shardraft.raft.driver.DriverOptions;
import dev.shardraft.raft.driver.ReplicaDriver;
import dev.shardraft.raft.driver.Storage;
import dev.shardraft.raft.driver.TailRecovery;
import dev.shardraft.raft.port.QueryableStateMachine;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.TermAndVote;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One replica of one Raft group as a Pekko typed actor. The Raft logic is in the pure core, the
 * execution of its effects in {@link ReplicaDriver} (shared with the simulation); this class is the
 * replica's lifecycle and its link to Pekko: it turns messages ({@link ReplicaProtocol}) into
 * driver calls and implements the driver's {@link DriverHost} with {@code pipeToSelf}, the {@code
 * TimerScheduler} and {@link Peers}.
 *
 * <p>Lifecycle, one behavior per state:
 *
 * <ul>
 *   <li>{@link #starting}: loads term/vote and the newest snapshot (stashing everything else), then
 *       makes a fresh state machine and driver, starts the core and the {@link LogTail};
 *   <li>{@link #running}: every message is one driver call; the core's role (follower,
 *       pre-candidate, candidate, leader) lives in the core's state and is logged when it changes;
 *   <li>{@link #stalled}: the tail found the log start above the snapshot just loaded; the replica
 *       runs on without a tail (votes, status, stale reads) until it reloads after a back-off.
 * </ul>
 *
 * <p>A supervisor restart (also the immediate one for a reload, {@link LogTail.ReloadFromSnapshot})
 * or a stop/start repeats {@code starting}, so term and vote always come from the {@code
 * RaftMetaStore} and the state from snapshot + log. Completions of an earlier incarnation are
 * dropped by the driver.
 *
 * @param <C> the state machine's command type
 * @param <R> the state machine's reply type
 */
public final class RaftReplica<C, R> {

  /** Term/vote and newest snapshot loaded (or the load failed). */
  private record Loaded(
      long incarnation,
      TermAndVote termAndVote,
      Optional<Snapshot> snapshot,
      Optional<Throwable> failure)
      implements InternalCommand, NoSerializationVerificationNeeded {}

  private enum RetryLoad implements InternalCommand, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private static final AtomicLong INCARNATIONS = new AtomicLong();

  /**
   * The replica behavior, supervised: on an exception it restarts with back-off and reloads term,
   * vote and state from the stores. A tail that fell below the log start restarts it at once (see
   * {@link LogTail}).
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
          TailRecovery recovery =
              new TailRecovery(settings.storageRetryMin(), settings.storageRetryMax());
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
                                              recovery)
                                          .starting())));
          Behavior<Command> reloading =
              Behaviors.supervise(replica)
                  .onFailure(
                      LogTail.ReloadFromSnapshot.class,
                      SupervisorStrategy.restart().withLoggingEnabled(false));
          return Behaviors.supervise(reloading)
              .onFailure(
                  SupervisorStrategy.restartWithBackoff(
                      settings.storageRetryMin(), settings.storageRetryMax(), 0.2));
        });
  }

  private final ReplicaSettings settings;
  private final ReplicaPorts ports;
  private final Supplier<? extends QueryableStateMachine<C, R>> stateMachines;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final TailRecovery recovery;
  private final long incarnation = INCARNATIONS.incrementAndGet();
  private final Backoff loadBackoff;
  private final String who;
  private ReplicaDriver<C, R> driver;
  private LogTail tail;

  private RaftReplica(
      ReplicaSettings settings,
      ReplicaPorts ports,
      Supplier<? extends QueryableStateMachine<C, R>> stateMachines,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      StashBuffer<Command> stash,
      TailRecovery recovery) {
    this.settings = settings;
    this.ports = ports;
    this.stateMachines = stateMachines;
    this.context = context;
    this.timers = timers;
    this.stash = stash;
    this.recovery = recovery;
    this.loadBackoff = new Backoff(settings.storageRetryMin(), settings.storageRetryMax());
    this.who = settings.shard() + "/" + settings.self();
    if (settings.raftConfig().quiesces()) {
      // The event stream unsubscribes a stopped actor by itself; a restart subscribes again
      // (the same actor: a no-op).
      context
          .getSystem()
          .eventStream()
          .tell(new EventStream.Subscribe<>(LeaderNodeSuspected.class, context.getSelf().narrow()));
    }
  }

  // ---------------------------------------------------------------- behaviors

  /** Loads term/vote and the newest snapshot; everything else waits in the stash. */
  private Behavior<Command> starting() {
    load();
    return Behaviors.receive(Command.class)
        .onMessage(Loaded.class, this::onLoaded)
        .onMessageEquals(RetryLoad.INSTANCE, this::onRetryLoad)
        .onMessage(GetStatus.class, this::onStatusWhileStarting)
        .onMessage(LeaderNodeSuspected.class, m -> Behaviors.same()) // not quiesced yet
        .onMessage(ActorHost.Resumed.class, m -> stale(m.completion()))
        .onAnyMessage(this::stashWhileStarting)
        .onSignal(PreRestart.class, this::onStop)
        .onSignal(PostStop.class, this::onStop)
        .build();
  }

  /** Loaded and tailing: every message is one call into the driver. */
  private Behavior<Command> running() {
    return replica()
        .onMessage(LogTail.Started.class, this::onTailStarted)
        .onMessage(LogTail.Element.class, this::onTailElement)
        .onMessage(LogTail.Ended.class, this::onTailEnded)
        .onMessageEquals(LogTail.Restart.INSTANCE, this::onRestartTail)
        .build();
  }

  /** No tail: the snapshot just loaded ends below the log start; reload after the back-off. */
  private Behavior<Command> stalled() {
    return replica().onMessageEquals(LogTail.Reload.INSTANCE, this::onReload).build();
  }

  /** What a loaded replica handles with or without a tail. */
  private BehaviorBuilder<Command> replica() {
    return Behaviors.receive(Command.class)
        .onMessage(PeerMessage.class, this::onPeerMessage)
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(Read.class, this::onRead)
        .onMessage(TransferLeadership.class, this::onTransfer)
        .onMessage(GetStatus.class, this::onStatus)
        .onMessage(LeaderNodeSuspected.class, this::onLeaderNodeSuspected)
        .onMessage(ActorHost.Resumed.class, this::onResumed)
        .onMessage(Loaded.class, m -> Behaviors.same()) // of an earlier incarnation
        .onMessageEquals(RetryLoad.INSTANCE, Behaviors::same)
        .onSignal(PreRestart.class, this::onStop)
        .onSignal(PostStop.class, this::onStop);
  }

  // ---------------------------------------------------------------- start-up

  private void load() {
    context.pipeToSelf(
        ports
            .meta()
            .load(settings.shard(), settings.self())
            .thenCombine(ports.snapshots().latest(settings.shard()), Stores::new),
        (ok, failure) ->
            ok != null
                ? new Loaded(incarnation, ok.termAndVote(), ok.snapshot(), Optional.empty())
                : new Loaded(
                    incarnation, TermAndVote.INITIAL, Optional.empty(), Optional.of(failure)));
  }

  private record Stores(TermAndVote termAndVote, Optional<Snapshot> snapshot) {}

  private Behavior<Command> onLoaded(Loaded m) {
    if (m.incarnation() != incarnation) {
      return Behaviors.same();
    }
    if (m.failure().isPresent()) {
      Duration delay = loadBackoff.next();
      context
          .getLog()
          .warn(
              "{}: loading term/vote and snapshot failed, retrying in {}",
              who,
              delay,
              m.failure().get());
      timers.startSingleTimer(RetryLoad.INSTANCE, RetryLoad.INSTANCE, delay);
      return Behaviors.same();
    }
    driver =
        new ReplicaDriver<>(
            options(),
            storage(),
            new ActorHost(context, timers, ports, who),
            stateMachines.get(),
            incarnation);
    driver.start(m.termAndVote(), m.snapshot(), settings.seed() * 31 + incarnation);
    context
        .getLog()
        .info(
            "{}: started at term {} (vote {}), applied up to {}, tailing from {}",
            who,
            m.termAndVote().term(),
            m.termAndVote().votedFor().orElse("-"),
            driver.applier().lastIndex(),
            driver.nextIndex());
    tail =
        new LogTail(
            context,
            timers,
            ports.log(),
            driver,
            recovery,
            new Backoff(settings.storageRetryMin(), settings.storageRetryMax()),
            who);
    tail.start();
    return stash.unstashAll(running());
  }

  private DriverOptions options() {
    return new DriverOptions(
        settings.raftConfig(),
        settings.sessionExpiryPositions(),
        settings.snapshotEvery(),
        settings.deleteLogAfterSnapshot(),
        settings.storageRetryMin(),
        settings.storageRetryMax());
  }

  private Storage storage() {
    return new Storage(ports.log(), ports.meta(), ports.snapshots());
  }

  private Behavior<Command> onRetryLoad() {
    load();
    return Behaviors.same();
  }

  private Behavior<Command> onStatusWhileStarting(GetStatus m) {
    m.replyTo().tell(Replies.starting(settings.self()));
    return Behaviors.same();
  }

  private Behavior<Command> stashWhileStarting(Command m) {
    if (stash.isFull()) {
      context.getLog().warn("{}: stash full while starting, dropping {}", who, m);
      if (m instanceof Submit s) {
        s.replyTo()
            .tell(
                new Retry(
                    Optional.empty(), RetryReason.UNAVAILABLE, "replica starting, stash full"));
      } else if (m instanceof Read r) {
        r.replyTo()
            .tell(
                new Retry(
                    Optional.empty(), RetryReason.UNAVAILABLE, "replica starting, stash full"));
      }
      return Behaviors.same();
    }
    stash.stash(m);
    return Behaviors.same();
  }

  /** A completion that reached a replica with no driver yet: of an earlier incarnation. */
  private Behavior<Command> stale(Completion c) {
    c.stale().run();
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- messages to the driver

  private Behavior<Command> onPeerMessage(PeerMessage m) {
    if (m.fromNode() != null) {
      nodeOf.put(m.message().from(), m.fromNode());
    }
    driver.receive(m.message());
    return Behaviors.same();
  }

  /** Peers' nodes, as named by their quiesce heartbeats. */
  private final Map<String, String> nodeOf = new HashMap<>();

  /** The core wakes this replica if it is a quiesced follower of a replica on that node. */
  private Behavior<Command> onLeaderNodeSuspected(LeaderNodeSuspected m) {
    for (Map.Entry<String, String> e : nodeOf.entrySet()) {
      if (e.getValue().equals(m.node())) {
        driver.leaderSuspected(e.getKey());
      }
    }
    return Behaviors.same();
  }

  /** The core validates the command (a malformed one is rejected) and answers it. */
  private Behavior<Command> onSubmit(Submit m) {
    driver.submit(
        m.clientId(),
        m.sequence(),
        m.payload(),
        m.lowestUnacked(),
        outcome -> m.replyTo().tell(Replies.toSubmitReply(outcome)));
    return Behaviors.same();
  }

  private Behavior<Command> onRead(Read m) {
    driver.read(m.mode(), m.query(), new Replies.ToRead(m));
    return Behaviors.same();
  }

  /** The core refuses a transfer in the same step, or starts it. */
  private Behavior<Command> onTransfer(TransferLeadership m) {
    m.replyTo()
        .tell(
            driver
                .transferLeadership(m.target())
                .<TransferReply>map(r -> new TransferRefused(r.target(), r.reason()))
                .orElse(new TransferStarted(m.target())));
    return Behaviors.same();
  }

  private Behavior<Command> onStatus(GetStatus m) {
    m.replyTo().tell(Replies.status(settings.self(), driver));
    return Behaviors.same();
  }

  private Behavior<Command> onResumed(ActorHost.Resumed m) {
    driver.resume(m.completion());
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- the tail

  private Behavior<Command> onTailStarted(LogTail.Started m) {
    tail.onStarted(m);
    return Behaviors.same();
  }

  private Behavior<Command> onTailElement(LogTail.Element m) {
    tail.onElement(m);
    return Behaviors.same();
  }

  private Behavior<Command> onTailEnded(LogTail.Ended m) {
    return tail.onEnded(m) ? stalled() : Behaviors.same();
  }

  private Behavior<Command> onRestartTail() {
    tail.start();
    return Behaviors.same();
  }

  private Behavior<Command> onReload() {
    LogTail.reload();
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- stop and restart

  /** Stop or restart: answer every waiting client, stop the tail, close writers. */
  private Behavior<Command> onStop(Signal signal) {
    if (driver != null) {
      driver.stop("replica " + settings.self() + " stopped");
    }
    if (tail != null) {
      tail.stop();
    }
    context.getLog().info("{}: {}", who, signal instanceof PreRestart ? "restarting" : "stopped");
    return Behaviors.same();
  }
}
