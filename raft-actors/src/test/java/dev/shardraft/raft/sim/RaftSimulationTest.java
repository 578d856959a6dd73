package dev.shardraft.raft.sim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
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
  private static final Map<String, Long> FAULTS_BY_KIND = new TreeMap<>();
  private static final Map<String, Long> FIGURES = new LinkedHashMap<>();
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
    synchronized (FIGURES) {
      s.faultsByKind().forEach((k, v) -> FAULTS_BY_KIND.merge(k, v, Long::sum));
      s.figures().forEach((k, v) -> FIGURES.merge(k, v, Long::sum));
    }
  }

  @AfterAll
  static void report() {
    double secs = (System.nanoTime() - STARTED) / 1e9;
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "simulation: %d seeds passed in %.1f s wall; %d events, %d commands acknowledged, "
                + "%d faults (",
            RUNS.get(), secs, EVENTS.get(), ACKED.get(), FAULTS.get()));
    synchronized (FIGURES) {
      b.append(
          String.join(
              ", ",
              FAULTS_BY_KIND.entrySet().stream()
                  .map(e -> e.getValue() + " " + e.getKey())
                  .toList()));
      b.append(")");
      FIGURES.forEach((k, v) -> b.append(", ").append(v).append(' ').append(k));
    }
    System.out.println(b);
  }
}
