package dev.shardraft.multijvm.harness;

import dev.shardraft.kafka.local.LocalKafka;
import dev.shardraft.multijvm.check.HistoryChecks;
import dev.shardraft.multijvm.check.LinearizabilityChecker;
import dev.shardraft.multijvm.check.Verdict;
import dev.shardraft.multijvm.history.HistoryFile;
import dev.shardraft.multijvm.history.HistoryRecorder;
import dev.shardraft.multijvm.history.Op;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fault test on a (possibly shared) {@link FaultCluster}: a {@link Workload} on keys of its own
 * ({@code <test>-r-<n>}, {@code <test>-l-<n>}, so a test's history starts from empty keys),
 * recording to {@code target/histories/<test>.jsonl}, and the checks at the end (linearizability,
 * lost writes, double appends, replicas' applied sequences). The history file is kept either way.
 */
public final class FaultRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FaultRun.class);
  public static final Duration HEALTHY = Duration.ofSeconds(150);

  private final String test;
  private final FaultCluster cluster;
  private final HistoryRecorder history;
  private final Workload workload;

  public FaultRun(String test, FaultCluster cluster, long seed, int maxOps) {
    this.test = test;
    this.cluster = cluster;
    this.history = new HistoryRecorder(HistoryFile.pathFor(test));
    this.workload =
        new Workload(history, cluster.client(), cluster::httpPorts, test, 6, 3, maxOps, seed);
  }

  /** A cluster of three nodes for {@code name} (family {@code kv<name>}), healthy. */
  public static FaultCluster startCluster(String name, LocalKafka kafka, int groups, String plant)
      throws IOException {
    FaultCluster cluster =
        new FaultCluster(
            name, kafka, "kv" + name.toLowerCase().replaceAll("[^a-z0-9]", ""), groups, plant);
    long t0 = System.nanoTime();
    try {
      cluster.startNodes(3);
      cluster.awaitHealthy(HEALTHY);
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    LOG.info("{}: cluster healthy in {} ms", name, (System.nanoTime() - t0) / 1_000_000);
    return cluster;
  }

  public FaultCluster cluster() {
    return cluster;
  }

  public Workload workload() {
    return workload;
  }

  /** Restarts exited nodes, waits until every group has a ready leader, starts the clients. */
  public void start(int clients) throws IOException {
    cluster.restartExited();
    cluster.awaitHealthy(HEALTHY);
    workload.start(clients);
  }

  public static void sleep(Duration d) {
    LockSupport.parkNanos(d.toNanos());
  }

  /**
   * Stops the clients, restarts exited nodes, waits for health, reads every key, and runs every
   * check. Returns the verdicts (the caller asserts).
   */
  public List<Verdict> finish() throws Exception {
    workload.close();
    List<String> restarted = cluster.restartExited();
    if (!restarted.isEmpty()) {
      LOG.info("{}: restarted exited nodes {}", test, restarted);
    }
    cluster.awaitHealthy(HEALTHY);
    Map<String, Object> finalState = workload.finalReads(Duration.ofSeconds(90));
    history.close();
    List<Op> ops = HistoryFile.read(history.file());
    List<Verdict> verdicts = new ArrayList<>();
    long c0 = System.nanoTime();
    verdicts.add(new LinearizabilityChecker().check(ops));
    LOG.info("{}: linearizability checked in {} ms", test, (System.nanoTime() - c0) / 1_000_000);
    verdicts.add(HistoryChecks.noLostWrites(ops, finalState));
    verdicts.add(HistoryChecks.noDoubleAppends(ops));
    verdicts.add(appliedSequences());
    long completed = ops.stream().filter(o -> o.type() != Op.Type.INVOKE).count();
    long ok = ops.stream().filter(o -> o.type() == Op.Type.OK).count();
    long info = ops.stream().filter(o -> o.type() == Op.Type.INFO).count();
    LOG.info(
        "{}: {} operations ({} ok, {} info), history {}; verdicts:\n{}",
        test,
        completed,
        ok,
        info,
        history.file().toAbsolutePath(),
        verdicts);
    return verdicts;
  }

  /** Polls the replicas' digests until they agree (followers may still be catching up). */
  private Verdict appliedSequences() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Verdict v;
    do {
      v = HistoryChecks.appliedSequencesAgree(cluster.digests(), 3);
      if (v.valid()) {
        return v;
      }
      sleep(Duration.ofMillis(500));
    } while (System.nanoTime() < deadline);
    return v;
  }

  /** Fails with every problem of every verdict and the history file's path. */
  public void assertValid(List<Verdict> verdicts) {
    List<Verdict> bad = verdicts.stream().filter(v -> !v.valid()).toList();
    if (!bad.isEmpty()) {
      throw new AssertionError(
          test + ": checks failed (history " + history.file().toAbsolutePath() + "):\n" + bad);
    }
  }

  public java.nio.file.Path historyFile() {
    return history.file();
  }

  /** Stops the clients and closes the history (the cluster belongs to the caller). */
  @Override
  public void close() throws Exception {
    try {
      workload.close();
    } finally {
      history.close();
    }
  }
}
