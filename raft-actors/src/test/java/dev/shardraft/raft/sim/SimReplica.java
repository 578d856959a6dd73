package dev.shardraft.raft.sim;

import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.RaftConfig;
import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.RaftState;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.core.apply.ApplyResult;
import dev.shardraft.raft.driver.Callers.ReadCaller;
import dev.shardraft.raft.driver.Completion;
import dev.shardraft.raft.driver.DriverHost;
import dev.shardraft.raft.driver.DriverOptions;
import dev.shardraft.raft.driver.ReplicaDriver;
import dev.shardraft.raft.driver.TailRecovery;
import dev.shardraft.raft.memory.InMemoryRaftMetaStore;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogTruncatedException;
import dev.shardraft.raft.port.MetaStoreSupersededException;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.TailEvent;
import dev.shardraft.raft.port.TermAndVote;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * A simulated replica process: the production effect interpreter ({@link ReplicaDriver}, the same
 * one the actor shell runs) over simulated ports ({@link SimPorts}), with this class as its {@link
 * DriverHost}: timers and completions are events of the simulation's scheduler (owned by this
 * replica, so a pause postpones them), sends go through the simulated network. It also plays the
 * log tail (lagging, stalled, reading {@code LogStore} in chunks) and the restarts.
 *
 * <p>A crash abandons the driver (nothing answered, nothing closed; requests already on the wire
 * still take effect, see {@link SimPorts}); term and vote survive in the simulation's meta store,
 * the applied state is rebuilt from the latest snapshot plus the log.
 */
final class SimReplica implements DriverHost {
  /** A client request the replica holds until the core answers it. */
  record Request(SimClient client, long sequence, boolean read, long[] ackedBefore) {}

  final int idx;

  /** The scheduler slot of this process: a second live incarnation of the id has another one. */
  final int owner;

  final String id;

  /** This process's term/vote store, over the simulation's shared durable values. */
  InMemoryRaftMetaStore meta;

  /** The term this process last reported, and in which of its incarnations. */
  long checkedTerm;

  int checkedIncarnation;
  private final Simulation sim;
  private final DriverOptions options;
  private final SimPorts ports;
  private final TailRecovery recovery =
      new TailRecovery(Duration.ofMillis(100), Duration.ofSeconds(5));
  int incarnation;
  boolean alive;
  ReplicaDriver<Long, long[]> driver;
  SimStateMachine machine;
  private long tailNext;
  private boolean tailWakeScheduled;
  private boolean stalled;
  private final Map<Object, Long> timerGen = new HashMap<>();

  SimReplica(Simulation sim, int idx, int owner, RaftConfig config) {
    this.sim = sim;
    this.idx = idx;
    this.owner = owner;
    this.id = config.self();
    this.options =
        new DriverOptions(
            config,
            sim.sessionExpiry,
            sim.snapshotEvery,
            true,
            Duration.ofMillis(100),
            Duration.ofSeconds(5));
    this.ports = new SimPorts(sim, this);
  }

  /** The core's state, or null while crashed. */
  RaftState state() {
    return alive ? driver.state() : null;
  }

  /** Starts (or restarts) from durable term/vote and the latest snapshot. */
  void start() {
    alive = true;
    incarnation++;
    tailWakeScheduled = false;
    stalled = false;
    machine = new SimStateMachine();
    driver = new ReplicaDriver<>(options, ports.storage(), this, machine, incarnation);
    Optional<Snapshot> snap = sim.snapshots.latest(sim.log.shard()).toCompletableFuture().join();
    meta = new InMemoryRaftMetaStore(sim.metaDurable); // a (re)started process
    // The load starts an incarnation: it fences the saves of every other incarnation of the id.
    TermAndVote durable = meta.load(sim.log.shard(), id).toCompletableFuture().join();
    long seed = sim.seed * 31 + owner * 1_000_003L + incarnation;
    driver.start(durable, snap, seed);
    tailNext = driver.nextIndex();
    sim.invariants.onRestore(this, driver.applier().lastIndex(), machine);
    wakeTail(1);
  }

  void crash() {
    alive = false;
    incarnation++;
    driver.abandon();
    machine = null;
  }

  void leaderSuspected(String leaderId) {
    if (alive) {
      boolean was = driver.state().isQuiesced();
      driver.leaderSuspected(leaderId);
      if (was && !driver.state().isQuiesced()) {
        sim.wokenBySuspicion++;
      }
    }
  }

  void receive(RaftMessage m) {
    if (alive) {
      driver.receive(m);
    }
  }

  void clientCommand(SimClient client, long sequence) {
    if (!alive) {
      return;
    }
    Request req = new Request(client, sequence, false, null);
    driver.submit(
        client.clientId,
        sequence,
        Bytes.of(SimStateMachine.COMMANDS.encode(SimStateMachine.command(client.number, sequence))),
        outcome -> sim.replyToClient(req, outcome, -1));
  }

  /**
   * A command of a registered session {@code id} (sequence 0: a registration of client name {@code
   * id}), carrying the client's lowest unacknowledged sequence.
   */
  void sessionCommand(SimClient client, String id, long sequence, long lowestUnacked) {
    if (!alive) {
      return;
    }
    Request req = new Request(client, sequence, false, null);
    Bytes payload =
        sequence == 0
            ? Bytes.EMPTY
            : Bytes.of(
                SimStateMachine.COMMANDS.encode(SimStateMachine.command(client.number, sequence)));
    driver.submit(
        id, sequence, payload, lowestUnacked, outcome -> sim.replyToClient(req, outcome, -1));
  }

  void clientRead(SimClient client, long readNo, long[] ackedBefore) {
    if (!alive) {
      return;
    }
    Request req = new Request(client, readNo, true, ackedBefore);
    driver.read(
        ReadMode.LINEARIZABLE,
        Bytes.EMPTY,
        new ReadCaller() {
          @Override
          public void served(long index, ReadMode mode, Bytes result) {
            ByteBuffer b = ByteBuffer.wrap(result.toArray());
            long count = b.getLong();
            long[] registers = new long[SimStateMachine.CLIENTS];
            for (int i = 0; i < registers.length; i++) {
              registers[i] = b.getLong();
            }
            sim.invariants.onReadServed(SimReplica.this, req, index, registers);
            sim.replyToClient(req, null, count);
          }

          @Override
          public void failed(String reason) {
            sim.invariants.fail(id + " could not answer a read: " + reason);
          }

          @Override
          public void retry(CommandOutcome.Retry retry) {
            sim.replyToClient(req, retry, -1);
          }
        });
  }

  void transferLeadership(String target) {
    if (alive) {
      driver
          .transferLeadership(target)
          .ifPresent(r -> sim.trace(id + " transfer to " + target + " refused: " + r.reason()));
    }
  }

  // ---- the driver's host

  @Override
  public long nowMs() {
    return sim.now();
  }

  @Override
  public void send(String to, RaftMessage message) {
    if (message instanceof RaftMessage.VoteResponse v && v.granted()) {
      sim.invariants.onVoteGranted(this, v.term(), to);
    } else if (message instanceof RaftMessage.VoteRequest v) {
      sim.invariants.onVoteGranted(this, v.term(), id);
    }
    sim.send(idx, sim.indexOf(to), message);
  }

  /**
   * Runs a completion. A save refused because another incarnation of this replica id saved ({@link
   * MetaStoreSupersededException}, rethrown by the driver) restarts the replica, as the actor's
   * supervisor does: the restart loads the durable term and vote again.
   */
  private void resume(Completion c) {
    try {
      driver.resume(c);
    } catch (MetaStoreSupersededException e) {
      sim.supersededRestarts++;
      sim.trace(id + " superseded by another incarnation: restarting");
      crash();
      start();
    }
  }

  @Override
  public void startTimer(Object key, long delayMs, Completion onFire) {
    long gen = timerGen.merge(key, 1L, Long::sum);
    int inc = incarnation;
    sim.scheduler.after(
        delayMs,
        owner,
        () -> {
          if (inc == incarnation && gen == timerGen.get(key)) {
            resume(onFire);
          }
        });
  }

  @Override
  public void cancelTimer(Object key) {
    timerGen.merge(key, 1L, Long::sum);
  }

  /** The result reaches the replica as one of its own events (postponed by a pause). */
  @Override
  public <T> void whenDone(
      CompletionStage<T> stage, BiFunction<? super T, Throwable, Completion> then) {
    stage.whenComplete(
        (value, failure) ->
            sim.scheduler.after(
                0,
                owner,
                () -> {
                  if (alive) {
                    resume(then.apply(value, failure));
                  }
                }));
  }

  @Override
  public Logger log() {
    return NOPLogger.NOP_LOGGER;
  }

  @Override
  public void onTransition(RaftState before, RaftState after) {
    String from = before == null ? "Starting" : before.role().name() + "@" + before.term();
    String to = after.role().name() + "@" + after.term();
    if (!from.equals(to)) {
      sim.trace(id + " " + from + " -> " + to);
    }
    sim.invariants.afterStep(this);
    if (after.isLeader() && after.isQuiesced() && (before == null || !before.isQuiesced())) {
      sim.leaderQuiescences++;
    }
    if (after.votedFor().isPresent()
        && (after.term() != before.term() || !after.votedFor().equals(before.votedFor()))) {
      // A new vote (granted, or for itself): sometimes the process crashes a moment later, before
      // the vote is durable. Tied to the vote, not to the save's start: the driver queues a save
      // behind a running one (one at a time), and the window that matters opens with the vote.
      sim.onVoteSaveStarted(idx);
    }
  }

  @Override
  public void onApplied(TailEvent event, ApplyResult result) {
    sim.invariants.onApplied(this, event, result, machine);
  }

  // ---- tail

  void wakeTail(long delay) {
    if (!alive || tailWakeScheduled || stalled) {
      return;
    }
    tailWakeScheduled = true;
    int inc = incarnation;
    long wait = Math.max(delay, sim.tailStalledUntil[idx] - sim.now());
    sim.scheduler.after(
        wait,
        owner,
        () -> {
          if (inc != incarnation) {
            return;
          }
          tailWakeScheduled = false;
          List<TailEvent> events;
          try {
            events = sim.log.read(tailNext, 32);
          } catch (LogTruncatedException e) { // the port's failure, as the actor shell sees it
            onTruncated();
            return;
          }
          for (TailEvent e : events) {
            if (!alive || inc != incarnation) {
              return;
            }
            recovery.applied();
            driver.onTailEvent(e);
            tailNext = e.index() + 1;
          }
          if (!events.isEmpty()) {
            wakeTail(1);
          }
        });
  }

  /**
   * The log was deleted below this replica's tail position (the leader's view of its progress was
   * stale, e.g. it restarted from an older snapshot): reading failed with {@link
   * LogTruncatedException}. Like the actor shell ({@link TailRecovery}), it reloads the newest
   * snapshot now if it applied anything since it loaded, else after a back-off without a tail.
   */
  private void onTruncated() {
    Optional<Duration> wait = recovery.onTruncated(driver.loadedNextIndex(), driver.nextIndex());
    sim.trace(
        id
            + " tail at "
            + tailNext
            + " is below the log start "
            + sim.log.logStart()
            + ": reloading the newest snapshot"
            + wait.map(d -> " in " + d.toMillis() + " ms").orElse(""));
    if (wait.isEmpty()) {
      reload();
      return;
    }
    stalled = true;
    int inc = incarnation;
    sim.scheduler.after(
        wait.get().toMillis(),
        owner,
        () -> {
          if (inc == incarnation) {
            reload();
          }
        });
  }

  /**
   * A reload is a restart: durable term and vote stay, volatile state goes. The newest snapshot
   * covers every cut (one is saved before the log is cut); if it does not, entries are lost: the
   * run fails.
   */
  private void reload() {
    sim.snapshotReloads++;
    crash();
    start();
    if (tailNext < sim.log.logStart()) {
      sim.invariants.fail(
          id
              + " cannot resume: the newest snapshot ends at "
              + tailNext
              + " but the log was deleted below "
              + sim.log.logStart());
    }
  }

  long tailNext() {
    return tailNext;
  }
}
