package dev.shardraft.multijvm.faults;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.multijvm.check.Verdict;
import dev.shardraft.multijvm.harness.FaultCluster;
import dev.shardraft.multijvm.harness.FaultRun;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkers catch bugs planted in the test node ({@code FaultNode}, system property {@code
 * faultnode.plant}; never in shardraft's code): each test runs a cluster whose nodes carry one
 * plant and asserts that at least one check fails, and logs which. Behind {@code -Pplants} (each
 * test starts a cluster of its own).
 */
@Tag("plants")
class PlantedBugTest {
  private static final Logger LOG = LoggerFactory.getLogger(PlantedBugTest.class);

  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(3);

  /** A fault injected while the clients run. */
  private interface Fault {
    void inject(FaultCluster cluster) throws Exception;
  }

  private static List<Verdict> runWithPlant(String plant, Fault fault) throws Exception {
    try (FaultCluster cluster = FaultRun.startCluster("plant-" + plant, KAFKA.kafka(), 3, plant);
        FaultRun run = new FaultRun("plant-" + plant, cluster, 7, 100_000)) {
      run.start(6);
      FaultRun.sleep(Duration.ofSeconds(4));
      fault.inject(cluster);
      FaultRun.sleep(Duration.ofSeconds(6));
      List<Verdict> verdicts = run.finish();
      List<Verdict> caught = verdicts.stream().filter(v -> !v.valid()).toList();
      LOG.info("plant {}: caught by {}", plant, caught);
      return verdicts;
    }
  }

  private static void assertCaught(String plant, List<Verdict> verdicts) {
    assertFalse(
        verdicts.stream().allMatch(Verdict::valid),
        "planted bug " + plant + " went unnoticed: " + verdicts);
  }

  /** Clients through a follower-only node cut off from nodes and Kafka read its frozen state. */
  @Test
  void staleReadsServedAsLinearizableAreCaught() throws Exception {
    assertCaught(
        "stale-reads",
        runWithPlant(
            "stale-reads",
            cluster -> {
              int victim = cluster.nodeLeadingFewest();
              cluster.isolateFully(victim);
              try {
                FaultRun.sleep(Duration.ofSeconds(8));
              } finally {
                cluster.heal();
              }
            }));
  }

  @Test
  void acknowledgingBeforeCommitIsCaught() throws Exception {
    assertCaught("early-ack", runWithPlant("early-ack", cluster -> {}));
  }

  /**
   * The node leading the most groups is stopped past the election timeout; while it is stopped the
   * other nodes' clients write on. After SIGCONT the plant answers reads from its pre-pause view
   * for a few seconds.
   */
  @Test
  void aPausedLeaderAnsweringAfterSigcontIsCaught() throws Exception {
    assertCaught(
        "paused-leader",
        runWithPlant(
            "paused-leader",
            cluster -> {
              int victim = cluster.nodeLeadingMost();
              cluster.pause(victim);
              try {
                FaultRun.sleep(Duration.ofSeconds(5));
              } finally {
                cluster.resume(victim);
              }
            }));
  }

  /** A broker loss stalls commits past the ask timeout; the commands still commit later. */
  @Test
  void retryingATimedOutAppendAsANewCommandIsCaught() throws Exception {
    assertCaught(
        "fresh-session-retry",
        runWithPlant(
            "fresh-session-retry",
            cluster -> {
              for (int broker = 0; broker < 2; broker++) {
                cluster.kafka().kill(broker);
                try {
                  FaultRun.sleep(Duration.ofSeconds(6));
                } finally {
                  cluster.kafka().restart(broker);
                }
              }
            }));
  }
}
