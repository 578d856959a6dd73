package dev.shardraft.raft.sim;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded deterministic simulation of a Raft group of 3 or 5 replicas (odd seeds: 5) under faults;
 * see {@link Simulation} for the world and {@link Invariants} for what is checked after every step.
 *
 * <p>Seeds: {@code -Dsim.seeds=N} runs seeds 1..N (default 500; the {@code sim-soak} profile runs
 * 20,000); {@code -Dsim.seed=S} replays one seed, e.g. {@code mvn -B -o -pl raft-actors test
 * -Dtest=RaftSimulationTest -Dsim.seed=123}. A failing seed prints that line.
 */
class RaftSimulationTest {
  private static final AtomicLong RUNS = new AtomicLong();
  private static final AtomicLong EVENTS = new AtomicLong();
  private static final AtomicLong ACKED = new AtomicLong();
  private static final AtomicLong FAULTS = new AtomicLong();
  private static final AtomicLong STALE = new AtomicLong();
  private static final AtomicLong ELECTIONS = new AtomicLong();
  private static final AtomicLong READS = new AtomicLong();
  private static final AtomicLong LATE_OPENS = new AtomicLong();
  private static final AtomicLong TRUNCATIONS = new AtomicLong();
  private static final AtomicLong RELOADS = new AtomicLong();
  private static final AtomicLong FENCED_BUT_COMMITTED = new AtomicLong();
  private static final AtomicLong REGISTRATIONS = new AtomicLong();
  private static final AtomicLong PIPELINED = new AtomicLong();
  private static final AtomicLong EXPIRED = new AtomicLong();
  private static final AtomicLong DELAYED = new AtomicLong();
  private static final long STARTED = System.nanoTime();

  static Stream<Long> seeds() {
    String one = System.getProperty("sim.seed", "");
    if (!one.isBlank()) {
      return Stream.of(Long.parseLong(one.trim()));
    }
    long n = Long.parseLong(System.getProperty("sim.seeds", "500").trim());
    return LongStream.rangeClosed(1, n).boxed();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void invariantsHoldUnderFaults(long seed) {
    int replicas = seed % 2 == 0 ? 3 : 5;
    Simulation.Summary s = new Simulation(seed, replicas).run();
    RUNS.incrementAndGet();
    EVENTS.addAndGet(s.events());
    ACKED.addAndGet(s.acked());
    FAULTS.addAndGet(s.faults());
    STALE.addAndGet(s.staleSkips());
    ELECTIONS.addAndGet(s.elections());
    READS.addAndGet(s.reads());
    LATE_OPENS.addAndGet(s.lateOpens());
    TRUNCATIONS.addAndGet(s.truncations());
    RELOADS.addAndGet(s.snapshotReloads());
    FENCED_BUT_COMMITTED.addAndGet(s.fencedButCommitted());
    REGISTRATIONS.addAndGet(s.sessions().registrations());
    PIPELINED.addAndGet(s.sessions().pipelinedAcks());
    EXPIRED.addAndGet(s.sessions().expiredAnswers());
    DELAYED.addAndGet(s.sessions().delayedCopies());
  }

  @AfterAll
  static void report() {
    double secs = (System.nanoTime() - STARTED) / 1e9;
    System.out.printf(
        "simulation: %d seeds passed in %.1f s wall; %d events, %d commands acknowledged, "
            + "%d faults, %d elections, %d late (zombie) opens, %d stale-term entries skipped, "
            + "%d linearizable reads checked, %d log truncations, %d snapshot reloads after one, "
            + "%d appends committed but reported fenced%n",
        RUNS.get(),
        secs,
        EVENTS.get(),
        ACKED.get(),
        FAULTS.get(),
        ELECTIONS.get(),
        LATE_OPENS.get(),
        STALE.get(),
        READS.get(),
        TRUNCATIONS.get(),
        RELOADS.get(),
        FENCED_BUT_COMMITTED.get());
    System.out.printf(
        "simulation sessions: %d registrations, %d acknowledgements of commands sent while"
            + " another of their session was in flight, %d SessionExpired answers (sessions"
            + " registered again), %d delayed copies of answered commands sent%n",
        REGISTRATIONS.get(), PIPELINED.get(), EXPIRED.get(), DELAYED.get());
  }
}
