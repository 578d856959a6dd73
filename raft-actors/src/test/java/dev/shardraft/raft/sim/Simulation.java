package dev.shardraft.raft.sim;

import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.RaftConfig;
import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.Role;
import dev.shardraft.raft.memory.InMemorySnapshotStore;
import dev.shardraft.raft.memory.LogStore;
import dev.shardraft.raft.port.TailEvent;
import dev.shardraft.raft.port.TermAndVote;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
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
  final TermAndVote[] durable;
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

  Simulation(long seed, int replicaCount) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.scheduler = new Scheduler(replicaCount, random);
    this.network = new SimNetwork(random, replicaCount);
    this.durable = new TermAndVote[replicaCount];
    Arrays.fill(durable, TermAndVote.INITIAL);
    this.replicas = new SimReplica[replicaCount];
    this.down = new boolean[replicaCount];
    this.tailStalledUntil = new long[replicaCount];
    this.invariants = new Invariants(this, replicaCount);
    this.snapshotEvery = 20 + random.nextInt(200);
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
      replicas[i] =
          new SimReplica(
              this,
              i,
              RaftConfig.of("sim-0", "r" + i, members)
                  .withSessionExpiryPositions(sessionExpiry)
                  .withSessionMaxReplies(sessionMaxReplies));
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
      scheduler.runUntil(CHAOS_MS, () -> {});
      calmDown();
      long[] acksAtCalm = clients.stream().mapToLong(c -> c.acks).toArray();
      scheduler.runUntil(CHAOS_MS + CALM_MS, () -> {});
      checkLiveness(acksAtCalm);
      stopped = true;
      scheduler.runUntil(CHAOS_MS + CALM_MS + DRAIN_MS, () -> {});
      invariants.checkConverged(log.last().map(TailEvent::index).orElse(-1L));
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
      scheduler.after(network.delay(), to, () -> replicas[to].receive(m));
    }
  }

  void toReplica(int to, Consumer<SimReplica> action) {
    if (random.nextDouble() < network.lossRate) {
      return;
    }
    scheduler.after(network.delay(), to, () -> action.accept(replicas[to]));
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

  private void scheduleFault() {
    long at = now() + 150 + random.nextInt(600);
    if (at >= CHAOS_MS - 1_500) {
      return;
    }
    scheduler.at(
        at,
        Scheduler.WORLD,
        () -> {
          injectFault();
          scheduleFault();
        });
  }

  private void injectFault() {
    faults++;
    int kind = random.nextInt(100);
    if (kind < 22) {
      partition();
    } else if (kind < 42) {
      crash(pickVictim());
    } else if (kind < 62) {
      pause(pickVictim(), 100 + random.nextInt(1_400));
    } else if (kind < 72) {
      transfer();
    } else if (kind < 77) {
      long i = log.appendForeign("simulated foreign record");
      trace("foreign record at " + i);
      for (SimReplica r : replicas) {
        r.wakeTail(tailDelay(r.idx));
      }
    } else if (kind < 87) {
      int i = pickVictim();
      long ms = 100 + random.nextInt(1_400);
      tailStalledUntil[i] = now() + ms;
      trace(replicas[i].id + " tail stalled for " + ms + " ms");
    } else {
      weather();
      trace("weather: loss " + network.lossRate + " maxDelay " + network.maxDelayMs);
    }
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
    network.partition(groups);
    trace("partition " + network.describe());
    long heal = 200 + random.nextInt(1_800);
    scheduler.after(
        heal,
        Scheduler.WORLD,
        () -> {
          if (!calm) {
            network.heal();
            trace("healed");
          }
        });
  }

  private void crash(int i) {
    crash(i, 100 + random.nextInt(1_400));
  }

  private void crash(int i, long downMs) {
    if (down[i]) {
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
    scheduler.pause(i, now() + ms);
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
    int dice = random.nextInt(6);
    if (dice == 0) {
      pause(i, 300 + random.nextInt(900));
    } else if (dice == 1) {
      partitions++;
      int[] groups = new int[replicas.length];
      groups[i] = 1;
      network.partition(groups);
      trace("new leader " + replicas[i].id + " isolated " + network.describe());
      scheduler.after(
          300 + random.nextInt(1_200),
          Scheduler.WORLD,
          () -> {
            if (!calm) {
              network.heal();
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

  private void calmDown() {
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

  record Summary(
      long seed,
      int replicas,
      long events,
      long acked,
      long faults,
      long crashes,
      long pauses,
      long partitions,
      long elections,
      long staleSkips,
      long undecodableSkips,
      long reads,
      long lateOpens,
      long truncations,
      long snapshotReloads,
      long fencedButCommitted,
      SessionFigures sessions) {}

  /** What the registered clients did (SimClient). */
  record SessionFigures(
      long registrations, long pipelinedAcks, long expiredAnswers, long delayedCopies) {}

  private Summary summary() {
    long acked = clients.stream().mapToLong(c -> c.acks).sum();
    return new Summary(
        seed,
        replicas.length,
        scheduler.executed(),
        acked,
        faults,
        crashes,
        pauses,
        partitions,
        elections,
        invariants.staleSkips,
        invariants.undecodableSkips,
        invariants.readsChecked,
        lateOpens,
        truncations,
        snapshotReloads,
        fencedButCommitted,
        new SessionFigures(
            clients.stream().mapToLong(c -> c.registrations).sum(),
            clients.stream().mapToLong(c -> c.pipelinedAcks).sum(),
            clients.stream().mapToLong(c -> c.expiredAnswers).sum(),
            clients.stream().mapToLong(c -> c.delayedCopies).sum()));
  }
}
