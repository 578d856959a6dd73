package dev.shardraft.raft.sim;

import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.RaftConfig;
import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.Role;
import dev.shardraft.raft.memory.InMemoryRaftMetaStore;
import dev.shardraft.raft.memory.InMemorySnapshotStore;
import dev.shardraft.raft.memory.LogStore;
import dev.shardraft.raft.port.TailEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One seeded, deterministic run of a Raft group: replicas driven by the pure core, a simulated log
 * with Kafka's "latest open wins" fencing ({@link LogStore}), a lossy reordering network, clients
 * with retries, and a chaos phase of faults (partitions, crash-restart, pauses that make zombie
 * leaders, slow opens, broker errors with unknown outcome, foreign records, leadership transfers)
 * followed by a calm phase in which liveness is required. Everything runs on one thread from one
 * {@link SplittableRandom}: the same seed replays the same run.
 */
final class Simulation {
  static final long SESSION_EXPIRY = 1_000_000;
  static final long CHAOS_MS = 6_000;
  static final long CALM_MS = 4_000;

  /** After the calm phase clients stop, and the tails get this long to reach the log end. */
  static final long DRAIN_MS = 500;

  final long seed;
  final SplittableRandom random;
  final Scheduler scheduler;
  final SimNetwork network;
  final LogStore log = new LogStore("sim-0");
  final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();

  /** Term and vote of every replica id, shared by all processes' fenced meta stores. */
  final InMemoryRaftMetaStore.Durable metaDurable = new InMemoryRaftMetaStore.Durable();

  private final RaftConfig[] configs;

  /** A second live incarnation of a replica id (started elsewhere), while both run; else null. */
  private final SimReplica[] twins;

  long twinsStarted;
  long supersededSaves;
  long supersededRestarts;
  final SimReplica[] replicas;
  final List<SimClient> clients = new ArrayList<>();
  final Invariants invariants;
  final long snapshotEvery;
  final long sessionExpiry;
  final int sessionMaxReplies;
  double appendErrorRate;
  private boolean calm;

  /** Clients issue nothing new once set. */
  boolean stopped;

  private final Deque<String> trace = new ArrayDeque<>();
  private final boolean[] down;
  long faults;
  long crashes;
  long pauses;
  long partitions;
  long fencedAppends;
  long fencedButCommitted;
  long maxOpenedTerm;
  long lateOpens;
  long truncations;
  long snapshotReloads;
  long elections;
  long txnTimeouts;
  long lateMarkers;
  long foreignTxns;
  long interleavedForeign;
  private long visible;
  private long projectionChecked;

  /** Kafka's transaction.timeout.ms, scaled to the simulation's time. */
  final long txnTimeoutMs;

  // ---- quiescence (issue 9 item 2). Its own random stream: runs without quiescence (half the
  // seeds) replay exactly as before it existed.
  private final SplittableRandom qrandom;

  /** The replicas' quiet period before an idle group quiesces; 0: quiescence off in this run. */
  final long quiesceAfterMs;

  /** Clients start nothing new before this time (a lull, so that the group can go quiet). */
  long lullUntil;

  private long[][] silentSince;
  long leaderQuiescences;
  long suspicionsDelivered;
  long falseSuspicions;
  long wokenBySuspicion;
  long quiescedLeadersLost;
  long newLeaderAfterQuiescedLoss;
  long quiescedLossInconclusive;

  Simulation(long seed, int replicaCount) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.scheduler = new Scheduler(2 * replicaCount, random);
    this.network = new SimNetwork(random, replicaCount);
    this.configs = new RaftConfig[replicaCount];
    this.twins = new SimReplica[replicaCount];
    this.replicas = new SimReplica[replicaCount];
    this.down = new boolean[replicaCount];
    this.tailStalledUntil = new long[replicaCount];
    this.invariants = new Invariants(this, replicaCount);
    this.snapshotEvery = 20 + random.nextInt(200);
    this.txnTimeoutMs = 300 + random.nextInt(1_200);
    this.qrandom = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x5151E5L);
    this.quiesceAfterMs = qrandom.nextBoolean() ? 100 + qrandom.nextInt(500) : 0;
    List<String> members = new ArrayList<>();
    for (int i = 0; i < replicaCount; i++) {
      members.add("r" + i);
    }
    // Client sessions: a quarter of the runs only legacy clients (one command at a time, the
    // default window); half mixed, registered clients pipelining under a small reply bound; a
    // quarter only registered clients with a small expiry window too (sessions expire in the run,
    // and clients register again). Legacy clients never see a small window: a retry of their
    // sequence 1 after expiry would be applied again (the hole registration closes).
    int sessionMode = random.nextInt(4);
    this.sessionExpiry = sessionMode == 3 ? 30 + random.nextInt(300) : SESSION_EXPIRY;
    this.sessionMaxReplies =
        sessionMode == 0 ? RaftConfig.DEFAULT_SESSION_MAX_REPLIES : 2 + random.nextInt(7);
    for (int i = 0; i < replicaCount; i++) {
      configs[i] =
          RaftConfig.of("sim-0", "r" + i, members)
              .withSessionExpiryPositions(sessionExpiry)
              .withSessionMaxReplies(sessionMaxReplies)
              .withQuiesceAfterMs(quiesceAfterMs);
      replicas[i] = new SimReplica(this, i, i, configs[i]);
    }
    int clientCount = 2 + random.nextInt(3);
    for (int i = 0; i < clientCount; i++) {
      boolean registered =
          sessionMode == 3 || (sessionMode != 0 && (i == 0 || random.nextBoolean()));
      int depth = registered ? 1 + random.nextInt(Math.min(4, sessionMaxReplies)) : 1;
      clients.add(new SimClient(this, "c" + i, registered, depth));
    }
    weather();
  }

  long now() {
    return scheduler.now();
  }

  int indexOf(String replicaId) {
    return Integer.parseInt(replicaId.substring(1));
  }

  private static final boolean PRINT_TRACE = Boolean.getBoolean("sim.trace");

  void trace(String line) {
    if (PRINT_TRACE) {
      System.out.println(now() + "ms " + line);
    }
    if (trace.size() == 40) {
      trace.removeFirst();
    }
    trace.addLast(now() + "ms " + line);
    if (line.contains("-> Leader@")) {
      elections++;
      maybePauseNewLeader(line);
    }
  }

  /** Runs the chaos and calm phases; throws {@link Invariants.SimulationFailure} with context. */
  Summary run() {
    try {
      for (SimReplica r : replicas) {
        r.start();
      }
      for (SimClient c : clients) {
        scheduler.after(random.nextInt(50), Scheduler.WORLD, c::start);
      }
      scheduleFault();
      if (quiesceAfterMs > 0) {
        silentSince = new long[replicas.length][replicas.length];
        for (long[] row : silentSince) {
          Arrays.fill(row, Role.NEVER);
        }
        scheduler.at(100, Scheduler.WORLD, this::livenessTick);
        scheduleLull();
      }
      scheduler.runUntil(CHAOS_MS, () -> {});
      calmDown();
      long[] acksAtCalm = clients.stream().mapToLong(c -> c.acks).toArray();
      scheduler.runUntil(CHAOS_MS + CALM_MS, () -> {});
      checkLiveness(acksAtCalm);
      stopped = true;
      scheduler.runUntil(CHAOS_MS + CALM_MS + DRAIN_MS, () -> {});
      invariants.checkConverged(log.last().map(TailEvent::index).orElse(-1L));
      visible = invariants.positionsApplied();
      // As EventProjection starts: from the newest snapshot; and, while the log is whole, from
      // its first position too (a projection created before any snapshot).
      projectionChecked =
          invariants.checkProjection(
              log, snapshots.latest(log.shard()).toCompletableFuture().join());
      if (log.logStart() == 0) {
        projectionChecked += invariants.checkProjection(log, Optional.empty());
      }
      return summary();
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(
          "simulation seed "
              + seed
              + " ("
              + replicas.length
              + " replicas) failed at "
              + now()
              + " ms: "
              + e.getMessage()
              + "\n  replay: mvn -B -o -pl raft-actors test -Dtest=RaftSimulationTest -Dsim.seed="
              + seed
              + "\n  last events:\n    "
              + String.join("\n    ", trace),
          e);
    }
  }

  // ---- world timing

  long persistDelay() {
    return random.nextInt(10) == 0 ? 10 + random.nextInt(40) : 1 + random.nextInt(5);
  }

  /** Mostly quick; sometimes a slow initTransactions that completes after a newer leader's. */
  long openDelay() {
    if (calm) {
      return 1 + random.nextInt(10);
    }
    return random.nextInt(6) == 0 ? 50 + random.nextInt(800) : 1 + random.nextInt(10);
  }

  /**
   * Between a transaction's sends and its commit call: mostly short, sometimes long (a writer
   * thread stalled, a slow acknowledgement of the sends): its open transaction holds the last
   * stable offset meanwhile, and may outlive its transaction timeout.
   */
  long commitDelay() {
    if (calm) {
      return 1 + random.nextInt(3);
    }
    return random.nextInt(25) == 0 ? 50 + random.nextInt(1_200) : 1 + random.nextInt(8);
  }

  /** Between the commit call's decision and the commit marker that makes the batch visible. */
  long markerDelay() {
    if (calm) {
      return random.nextInt(4);
    }
    return random.nextInt(10) == 0 ? 20 + random.nextInt(150) : random.nextInt(8);
  }

  /**
   * A transaction was sent (records in the log, invisible): if it is still open when the
   * transaction timeout runs out, the coordinator aborts it and fences its writer.
   */
  void onTransactionSent(long txnId) {
    if (txnId < 0) {
      return;
    }
    scheduler.after(
        txnTimeoutMs,
        Scheduler.WORLD,
        () -> {
          if (log.abortOnTimeout(txnId)) {
            txnTimeouts++;
            trace("transaction " + txnId + " timed out after " + txnTimeoutMs + " ms: aborted");
            onCommitted();
          }
        });
  }

  long appendDelay() {
    return 1 + random.nextInt(calm ? 5 : 15);
  }

  long resultDelay() {
    return 1 + random.nextInt(3);
  }

  // ---- message paths

  void send(int from, int to, RaftMessage m) {
    int copies = network.copies(from, to);
    for (int i = 0; i < copies; i++) {
      SimReplica dest = route(to);
      scheduler.after(network.delay(), dest.owner, () -> dest.receive(m));
    }
  }

  void toReplica(int to, Consumer<SimReplica> action) {
    if (random.nextDouble() < network.lossRate) {
      return;
    }
    SimReplica dest = route(to);
    scheduler.after(network.delay(), dest.owner, () -> action.accept(dest));
  }

  /**
   * Which process a message for a replica id reaches: while two incarnations live, either (the
   * senders' routing is not yet settled on the new one).
   */
  private SimReplica route(int to) {
    SimReplica twin = twins[to];
    return twin != null && random.nextBoolean() ? twin : replicas[to];
  }

  void replyToClient(SimReplica.Request req, CommandOutcome outcome, long readValue) {
    if (random.nextDouble() < network.lossRate) {
      return;
    }
    scheduler.after(
        network.delay(),
        Scheduler.WORLD,
        () -> req.client().onReply(req.read(), req.sequence(), outcome, readValue));
  }

  /** A batch was committed: every tail may deliver it (after its own delay). */
  void onCommitted() {
    for (SimReplica r : replicas) {
      r.wakeTail(tailDelay(r.idx));
    }
    for (SimReplica r : twins) {
      if (r != null) {
        r.wakeTail(tailDelay(r.idx));
      }
    }
  }

  // ---- faults

  /**
   * How long a replica's tail takes to deliver a new commit: a few ms, but one replica at a time
   * may have a lagging consumer (slow fetches, GC) of tens to hundreds of ms.
   */
  long tailDelay(int replica) {
    if (calm) {
      return 1 + random.nextInt(5);
    }
    return replica == laggingTail ? 30 + random.nextInt(400) : 1 + random.nextInt(20);
  }

  private int laggingTail = -1;

  /** A replica's tail delivers nothing before this time (its consumer cannot fetch). */
  final long[] tailStalledUntil;

  private void weather() {
    laggingTail = random.nextInt(3) == 0 ? random.nextInt(replicas.length) : -1;
    network.lossRate = random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.15;
    network.duplicateRate = random.nextDouble() * 0.03;
    network.maxDelayMs = 2 + random.nextInt(40);
    appendErrorRate = random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.05;
  }

  // ---- quiescence: lulls, the loss of a quiesced leader, and a per-process failure detector

  /** From time to time clients pause so the group goes idle; then its leader may be lost. */
  private void scheduleLull() {
    long at = now() + 300 + qrandom.nextInt(1_500);
    if (at + quiesceAfterMs + 3_000 >= CHAOS_MS) {
      return;
    }
    scheduler.at(
        at,
        Scheduler.WORLD,
        () -> {
          lullUntil = now() + quiesceAfterMs + 1_000 + qrandom.nextInt(1_500);
          trace("lull until " + lullUntil);
          boolean lose = qrandom.nextInt(3) > 0;
          scheduler.after(100, Scheduler.WORLD, () -> watchLull(lose));
          scheduler.at(lullUntil, Scheduler.WORLD, this::scheduleLull);
        });
  }

  /**
   * A quiesced leader crashes or is isolated for 2.5 s. Its followers run no election timer, so
   * only the failure detector's suspicion can make them elect: 2 s later some other replica must be
   * a ready leader, unless other faults came in between (then the case is counted, not judged).
   */
  /** Faults of any kind so far, the ones the elections themselves trigger included. */
  private long disturbances() {
    return faults + crashes + pauses + partitions;
  }

  private void watchLull(boolean lose) {
    if (now() >= lullUntil - 100 || calm) {
      return;
    }
    if (!(lose && loseQuiesced())) {
      scheduler.after(100, Scheduler.WORLD, () -> watchLull(lose));
    }
  }

  private boolean loseQuiesced() {
    for (SimReplica r : replicas) {
      if (r.alive
          && !down[r.idx]
          && twins[r.idx] == null
          && r.state().isQuiesced()
          && r.state().isLeader()) {
        quiescedLeadersLost++;
        fault("quiesced leader lost");
        faults++;
        lullUntil = Math.max(lullUntil, now() + 2_100); // no other fault before the check
        int victim = r.idx;
        if (qrandom.nextBoolean()) {
          crash(victim, 2_500);
        } else {
          int[] groups = new int[replicas.length];
          groups[victim] = 1;
          partitions++;
          long generation = network.partition(groups);
          trace("quiesced leader " + r.id + " isolated " + network.describe());
          scheduler.after(
              2_500,
              Scheduler.WORLD,
              () -> {
                if (!calm && network.heal(generation)) {
                  trace("partition healed");
                }
              });
        }
        long before = disturbances();
        scheduler.after(
            2_000,
            Scheduler.WORLD,
            () -> {
              boolean elected = false;
              for (SimReplica o : replicas) {
                if (o.idx != victim
                    && o.alive
                    && o.state().role() instanceof Role.Leader l
                    && l.ready()) {
                  elected = true;
                }
              }
              if (elected) {
                newLeaderAfterQuiescedLoss++;
              } else if (disturbances() == before) {
                invariants.fail(
                    "liveness: no new ready leader 2 s after the quiesced leader "
                        + replicas[victim].id
                        + " was lost (no other fault since)");
              } else {
                quiescedLossInconclusive++;
              }
            });
        return true;
      }
    }
    return false;
  }

  /**
   * The runtime's per-node liveness, one process per replica: every 100 ms each live process looks
   * at every other; one that has been unreachable (crashed, paused, partitioned away) for the
   * minimum election timeout is suspected, and the suspicion is fed to the observer as {@code
   * LeaderSuspected}. Now and then (chaos only) a live process is suspected falsely.
   */
  private void livenessTick() {
    long now = now();
    for (int i = 0; i < replicas.length; i++) {
      for (int j = 0; j < replicas.length; j++) {
        if (i == j) {
          continue;
        }
        boolean silent =
            down[j]
                || (scheduler.isPaused(replicas[j].owner) && twins[j] == null)
                || !network.connected(i, j);
        if (!silent || down[i]) {
          silentSince[i][j] = Role.NEVER;
          if (!calm && !down[i] && qrandom.nextInt(400) == 0) {
            falseSuspicions++;
            suspect(i, j);
          }
        } else if (silentSince[i][j] == Role.NEVER) {
          silentSince[i][j] = now;
        } else if (now - silentSince[i][j] >= configs[i].electionTimeoutMinMs()) {
          suspect(i, j);
        }
      }
    }
    if (!stopped) {
      scheduler.after(100, Scheduler.WORLD, this::livenessTick);
    }
  }

  private void suspect(int observer, int suspected) {
    String id = replicas[suspected].id;
    for (SimReplica r : new SimReplica[] {replicas[observer], twins[observer]}) {
      if (r != null) {
        suspicionsDelivered++;
        scheduler.after(1 + qrandom.nextInt(5), r.owner, () -> r.leaderSuspected(id));
      }
    }
  }

  /** When a client may start its next operation: after the lull, if one is on. */
  long afterLull(long delayMs) {
    long now = now();
    return now < lullUntil ? lullUntil - now + delayMs : delayMs;
  }

  private void scheduleFault() {
    long at = now() + 150 + random.nextInt(600);
    if (at >= CHAOS_MS - 1_500) {
      return;
    }
    scheduler.at(
        at,
        Scheduler.WORLD,
        () -> {
          if (now() >= lullUntil) { // a lull is quiet: the group may quiesce, then lose its leader
            injectFault();
          }
          scheduleFault();
        });
  }

  private void injectFault() {
    faults++;
    int kind = random.nextInt(100);
    if (kind < 22) {
      fault("partition");
      partition();
    } else if (kind < 42) {
      fault("crash");
      crash(pickVictim());
    } else if (kind < 62) {
      fault("pause");
      pause(pickVictim(), 100 + random.nextInt(1_400));
    } else if (kind < 72) {
      fault("transfer");
      transfer();
    } else if (kind < 77) {
      if (random.nextBoolean()) {
        fault("foreign record");
        long i = log.appendForeign("simulated foreign record");
        trace("foreign record at " + i);
        onCommitted();
      } else {
        fault("foreign open transaction");
        foreignTransaction();
      }
    } else if (kind < 87) {
      fault("tail stall");
      int i = pickVictim();
      long ms = 100 + random.nextInt(1_400);
      tailStalledUntil[i] = now() + ms;
      trace(replicas[i].id + " tail stalled for " + ms + " ms");
    } else if (kind < 93) {
      fault("two live incarnations");
      twin(pickVictim());
    } else {
      fault("weather");
      weather();
      trace("weather: loss " + network.lossRate + " maxDelay " + network.maxDelayMs);
    }
  }

  /** Faults injected, by kind. */
  final Map<String, Long> faultsByKind = new TreeMap<>();

  private void fault(String kind) {
    faultsByKind.merge(kind, 1L, Long::sum);
  }

  /** The leader half of the time, else anyone. */
  private int pickVictim() {
    if (random.nextBoolean()) {
      for (SimReplica r : replicas) {
        if (r.alive && r.state().role() instanceof Role.Leader) {
          return r.idx;
        }
      }
    }
    return random.nextInt(replicas.length);
  }

  /**
   * A producer of another transactional id writes to the log and leaves its transaction open for a
   * while: the last stable offset stalls, so no tail sees anything written after it (commits of the
   * leader included) until it commits, aborts, or its transaction timeout aborts it.
   */
  private void foreignTransaction() {
    foreignTxns++;
    long txn = log.beginForeignTransaction("simulated foreign transaction", 1 + random.nextInt(2));
    long open = 50 + random.nextInt(1_450);
    boolean commit = random.nextBoolean();
    long ends = Math.min(open, txnTimeoutMs);
    trace(
        "foreign transaction "
            + txn
            + " holds the last stable offset at "
            + log.lastStableOffset()
            + " for "
            + ends
            + " ms");
    scheduler.after(
        ends,
        Scheduler.WORLD,
        () -> {
          log.endForeignTransaction(txn, commit && open <= txnTimeoutMs);
          trace("foreign transaction " + txn + " ended");
          onCommitted();
        });
  }

  private void partition() {
    partitions++;
    int[] groups = new int[replicas.length];
    if (random.nextBoolean()) {
      groups[random.nextInt(replicas.length)] = 1;
    } else {
      for (int i = 0; i < groups.length; i++) {
        groups[i] = random.nextInt(2);
      }
    }
    long generation = network.partition(groups);
    trace("partition " + network.describe());
    long heal = 200 + random.nextInt(1_800);
    scheduler.after(
        heal,
        Scheduler.WORLD,
        () -> {
          if (!calm && network.heal(generation)) {
            trace("healed");
          }
        });
  }

  private void crash(int i) {
    crash(i, 100 + random.nextInt(1_400));
  }

  private void crash(int i, long downMs) {
    if (down[i] || twins[i] != null) {
      return;
    }
    crashes++;
    down[i] = true;
    replicas[i].crash();
    trace(replicas[i].id + " crashed");
    scheduler.after(downMs, Scheduler.WORLD, () -> restart(i));
  }

  /**
   * Called when a replica has just voted (its save is issued or queued): sometimes it crashes a
   * moment later (before or just after the save completes) and comes back quickly, while the
   * election is still running.
   */
  void onVoteSaveStarted(int i) {
    if (!calm && random.nextInt(5) == 0) {
      long delay = random.nextInt(4);
      scheduler.after(delay, Scheduler.WORLD, () -> crash(i, 5 + random.nextInt(100)));
    }
  }

  private void restart(int i) {
    if (down[i]) {
      down[i] = false;
      trace(replicas[i].id + " restarted");
      replicas[i].start();
    }
  }

  private void pause(int i, long ms) {
    pauses++;
    scheduler.pause(replicas[i].owner, now() + ms);
    trace(replicas[i].id + " paused for " + ms + " ms");
  }

  /**
   * A freshly elected leader is sometimes paused at once (its open then takes effect late, after a
   * newer leader's, and fences that one), or cut off from its peers while it still reaches the log
   * (a newer leader is elected; if the old one's open is slow, its barrier lands after the newer
   * barrier and must be skipped by everyone).
   */
  private void maybePauseNewLeader(String line) {
    if (calm) {
      return;
    }
    int i = indexOf(line.substring(0, line.indexOf(' ')));
    if (twins[i] != null) {
      return;
    }
    int dice = random.nextInt(6);
    if (dice == 0) {
      pause(i, 300 + random.nextInt(900));
    } else if (dice == 1) {
      partitions++;
      int[] groups = new int[replicas.length];
      groups[i] = 1;
      long generation = network.partition(groups);
      trace("new leader " + replicas[i].id + " isolated " + network.describe());
      scheduler.after(
          300 + random.nextInt(1_200),
          Scheduler.WORLD,
          () -> {
            if (!calm && network.heal(generation)) {
              trace("healed");
            }
          });
    }
  }

  private void transfer() {
    for (SimReplica r : replicas) {
      if (r.alive && r.state().role() instanceof Role.Leader) {
        List<String> peers = r.state().config().peers();
        String target = peers.get(random.nextInt(peers.size()));
        trace(r.id + " asked to transfer leadership to " + target);
        r.transferLeadership(target);
        return;
      }
    }
  }

  /**
   * Two live incarnations of one replica id: its process pauses (a long GC, SIGSTOP, cut off from
   * the cluster) and the id is started again elsewhere, as Cluster Sharding does when it deems the
   * node gone; the new incarnation loads term and vote (fencing the old one's saves), the newest
   * snapshot, and tails the log. When the old one wakes up, both run: messages for the id reach
   * either, both tail, both may campaign and vote; a save of the one that was fenced and is stale
   * is refused and restarts it. After a while the old one is stopped.
   */
  private void twin(int i) {
    SimReplica old = replicas[i];
    if (twins[i] != null || down[i] || !old.alive) {
      return;
    }
    twinsStarted++;
    long pauseMs = 100 + random.nextInt(1_400);
    pause(i, pauseMs);
    int slot =
        old.owner < replicas.length ? old.owner + replicas.length : old.owner - replicas.length;
    scheduler.resume(slot);
    SimReplica twin = new SimReplica(this, i, slot, configs[i]);
    twins[i] = twin;
    trace(old.id + " started again elsewhere while the old incarnation is paused");
    twin.start();
    scheduler.after(pauseMs + 200 + random.nextInt(1_500), Scheduler.WORLD, () -> endTwin(i));
  }

  /** The cluster stops the old incarnation; the new one is the replica from now on. */
  private void endTwin(int i) {
    SimReplica twin = twins[i];
    if (twin == null) {
      return;
    }
    twins[i] = null;
    SimReplica old = replicas[i];
    if (old.alive) {
      old.crash();
    }
    replicas[i] = twin;
    trace(old.id + " old incarnation stopped");
  }

  private void calmDown() {
    for (int i = 0; i < replicas.length; i++) {
      endTwin(i);
    }
    calm = true;
    network.heal();
    network.lossRate = 0;
    network.duplicateRate = 0;
    network.maxDelayMs = 5;
    appendErrorRate = 0;
    trace("calm phase");
    Arrays.fill(tailStalledUntil, 0);
    for (int i = 0; i < replicas.length; i++) {
      restart(i);
    }
  }

  private void checkLiveness(long[] acksAtCalm) {
    SimReplica leader = null;
    for (SimReplica r : replicas) {
      if (r.state().role() instanceof Role.Leader l && l.ready()) {
        leader = r;
      }
    }
    if (leader == null) {
      throw new Invariants.SimulationFailure(
          "liveness: no ready leader after " + CALM_MS + " ms of calm");
    }
    for (int i = 0; i < clients.size(); i++) {
      SimClient c = clients.get(i);
      if (c.acks <= acksAtCalm[i]) {
        throw new Invariants.SimulationFailure(
            "liveness: client "
                + c.clientId
                + " completed no command in "
                + CALM_MS
                + " ms of calm (stuck at sequence "
                + c.sequence
                + ")");
      }
    }
  }

  /** What one run did: its size, its faults by kind, and what the checks saw. */
  record Summary(
      long seed,
      int replicas,
      long events,
      long acked,
      long faults,
      Map<String, Long> faultsByKind,
      Map<String, Long> figures) {}

  private Summary summary() {
    long acked = clients.stream().mapToLong(c -> c.acks).sum();
    Map<String, Long> f = new LinkedHashMap<>();
    f.put("elections", elections);
    f.put("crashes", crashes);
    f.put("pauses", pauses);
    f.put("partitions", partitions);
    f.put("late (zombie) opens", lateOpens);
    f.put("stale-term entries skipped", invariants.staleSkips);
    f.put("undecodable positions skipped", invariants.undecodableSkips);
    f.put("linearizable reads checked by content", invariants.readsChecked);
    f.put("log truncations", truncations);
    f.put("snapshot reloads after one", snapshotReloads);
    f.put("appends committed but reported fenced", fencedButCommitted);
    f.put("commit markers after the commit returned", lateMarkers);
    f.put("transactions aborted", log.abortedTransactions());
    f.put("transaction timeouts", txnTimeouts);
    f.put("foreign records inside a batch", interleavedForeign);
    f.put("second live incarnations", twinsStarted);
    f.put("term/vote saves refused (superseded)", supersededSaves);
    f.put("restarts after a refused save", supersededRestarts);
    f.put("votes granted", invariants.votesGranted());
    f.put("positions a projection decided as the replicas did", projectionChecked);
    f.put("session registrations", clients.stream().mapToLong(c -> c.registrations).sum());
    f.put(
        "acknowledgements of commands sent while another of their session was in flight",
        clients.stream().mapToLong(c -> c.pipelinedAcks).sum());
    f.put(
        "SessionExpired answers (sessions registered again)",
        clients.stream().mapToLong(c -> c.expiredAnswers).sum());
    f.put(
        "delayed copies of answered commands sent",
        clients.stream().mapToLong(c -> c.delayedCopies).sum());
    f.put("runs with quiescence", quiesceAfterMs > 0 ? 1L : 0L);
    f.put("leader quiescences", leaderQuiescences);
    f.put("suspicions delivered", suspicionsDelivered);
    f.put("false suspicions", falseSuspicions);
    f.put("quiesced followers woken by a suspicion", wokenBySuspicion);
    f.put("quiesced leaders crashed or isolated", quiescedLeadersLost);
    f.put("of them: a new ready leader 2 s later", newLeaderAfterQuiescedLoss);
    f.put("of them: other faults in between, not judged", quiescedLossInconclusive);
    f.put("log positions", log.endIndex());
    f.put("log positions no tail sees (markers, aborted)", log.endIndex() - visible);
    return new Summary(seed, replicas.length, scheduler.executed(), acked, faults, faultsByKind, f);
  }
}
