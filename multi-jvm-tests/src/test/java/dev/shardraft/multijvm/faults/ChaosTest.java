package dev.shardraft.multijvm.faults;

import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.multijvm.check.Verdict;
import dev.shardraft.multijvm.harness.FaultCluster;
import dev.shardraft.multijvm.harness.FaultRun;
import dev.shardraft.multijvm.harness.Iptables;
import dev.shardraft.multijvm.node.FaultNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long randomized run ({@code -Pchaos -Dchaos.duration=PT30M -Dchaos.seed=7}): one cluster of
 * three nodes on three brokers; the run is cut into segments of {@code chaos.segment} (default 2
 * minutes), each with its own keys and history file ({@code chaos-<seed>-<n>.jsonl}) checked at its
 * end; inside a segment a nemesis picks faults at random (kill -9 and restart of the node leading
 * most groups, SIGSTOP/SIGCONT of it (1-8 s, or past the producers' transaction timeout), isolating
 * it (or a follower-only node) by iptables from the other nodes, or from them and Kafka, kill and
 * restart of a broker, restart of every node), one at a time, with a healthy pause between. Writes
 * a summary of the faults injected and the verdicts to {@code
 * target/histories/chaos-<seed>-summary.txt}; fails if any segment's checks failed.
 */
@Tag("chaos")
class ChaosTest {
  private static final Logger LOG = LoggerFactory.getLogger(ChaosTest.class);

  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(3);

  private enum Fault {
    KILL_NINE,
    SIGSTOP,
    SIGSTOP_BEYOND_TRANSACTION_TIMEOUT,
    PARTITION,
    PARTITION_FROM_KAFKA_TOO,
    BROKER_KILL,
    RESTART_ALL
  }

  @Test
  void randomFaultsUnderLoad() throws Exception {
    Duration duration = Duration.parse(System.getProperty("chaos.duration", "PT10M"));
    Duration segment = Duration.parse(System.getProperty("chaos.segment", "PT2M"));
    long seed = Long.parseLong(System.getProperty("chaos.seed", "1"));
    Random random = new Random(seed);
    boolean partitions = Iptables.available();
    Map<Fault, Integer> injected = new TreeMap<>();
    List<String> lines = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    long operations = 0;
    long end = System.nanoTime() + duration.toNanos();
    try (FaultCluster cluster = FaultRun.startCluster("chaos-" + seed, KAFKA.kafka(), 3, "")) {
      // A segment starts only with at least half a segment left (else it would inject nothing).
      for (int n = 1; end - System.nanoTime() > segment.toNanos() / 2; n++) {
        String name = "chaos-" + seed + "-" + n;
        long segmentEnd = Math.min(end, System.nanoTime() + segment.toNanos());
        List<Fault> faults = new ArrayList<>();
        List<Verdict> verdicts;
        try (FaultRun run = new FaultRun(name, cluster, seed * 1000 + n, 1_000_000)) {
          run.start(6);
          while (System.nanoTime() < segmentEnd - Duration.ofSeconds(20).toNanos()) {
            FaultRun.sleep(Duration.ofSeconds(2 + random.nextInt(6)));
            Fault f = Fault.values()[random.nextInt(Fault.values().length)];
            if ((f == Fault.PARTITION || f == Fault.PARTITION_FROM_KAFKA_TOO) && !partitions) {
              continue;
            }
            inject(cluster, f, random);
            faults.add(f);
            injected.merge(f, 1, Integer::sum);
            cluster.restartExited();
            cluster.awaitHealthy(FaultRun.HEALTHY);
          }
          verdicts = run.finish();
          operations += run.workload().operations();
        }
        boolean valid = verdicts.stream().allMatch(Verdict::valid);
        String line =
            name + ": faults " + faults + "; " + (valid ? "valid" : "INVALID " + verdicts);
        LOG.info(line);
        lines.add(line);
        if (!valid) {
          failures.add(line);
        }
      }
    } finally {
      lines.add("seed " + seed + ", duration " + duration + ", operations ~" + operations);
      lines.add("faults injected: " + injected);
      lines.add("segments failing: " + failures.size());
      Path summary = Path.of("target", "histories", "chaos-" + seed + "-summary.txt");
      Files.createDirectories(summary.getParent());
      Files.write(summary, lines, StandardCharsets.UTF_8);
      LOG.info("chaos summary {}:\n{}", summary.toAbsolutePath(), String.join("\n", lines));
    }
    if (!failures.isEmpty()) {
      throw new AssertionError("chaos seed " + seed + ": " + failures);
    }
  }

  private static void inject(FaultCluster cluster, Fault f, Random random) throws Exception {
    int victim = cluster.nodeLeadingMost();
    switch (f) {
      case KILL_NINE -> {
        cluster.kill(victim);
        FaultRun.sleep(Duration.ofSeconds(2 + random.nextInt(8)));
        cluster.start(victim);
      }
      case SIGSTOP -> {
        cluster.pause(victim);
        try {
          FaultRun.sleep(Duration.ofSeconds(1 + random.nextInt(8)));
        } finally {
          cluster.resume(victim);
        }
      }
      case SIGSTOP_BEYOND_TRANSACTION_TIMEOUT -> {
        cluster.pause(victim);
        try {
          FaultRun.sleep(FaultNode.TRANSACTION_TIMEOUT.plusSeconds(1 + random.nextInt(5)));
        } finally {
          cluster.resume(victim);
        }
      }
      case PARTITION -> {
        cluster.isolate(victim);
        try {
          FaultRun.sleep(Duration.ofSeconds(2 + random.nextInt(10)));
        } finally {
          cluster.heal();
        }
      }
      case PARTITION_FROM_KAFKA_TOO -> {
        cluster.isolateFully(random.nextBoolean() ? victim : cluster.nodeLeadingFewest());
        try {
          FaultRun.sleep(Duration.ofSeconds(2 + random.nextInt(10)));
        } finally {
          cluster.heal();
        }
      }
      case BROKER_KILL -> {
        int broker = random.nextInt(3);
        cluster.kafka().kill(broker);
        try {
          FaultRun.sleep(Duration.ofSeconds(2 + random.nextInt(8)));
        } finally {
          cluster.kafka().restart(broker);
        }
      }
      case RESTART_ALL -> {
        for (int i = 0; i < 3; i++) {
          cluster.kill(i);
        }
        for (int i = 0; i < 3; i++) {
          cluster.start(i);
        }
      }
    }
  }
}
