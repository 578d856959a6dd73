package dev.shardraft.multijvm.faults;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.multijvm.harness.FaultCluster;
import dev.shardraft.multijvm.harness.FaultRun;
import dev.shardraft.multijvm.harness.Iptables;
import dev.shardraft.multijvm.node.FaultNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each fault alone, under load from six recorded clients, on one cluster of three node JVMs (3
 * groups x 3 replicas) and three brokers, shared by the tests in order (each test uses keys of its
 * own and starts by restarting exited nodes and waiting for a healthy cluster). Every history is
 * checked (see {@link FaultRun#finish}); a failure names the key, the operations and the file.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultTest {
  private static final Logger LOG = LoggerFactory.getLogger(FaultTest.class);

  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(3);

  private static FaultCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = FaultRun.startCluster("faults", KAFKA.kafka(), 3, "");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static FaultRun run(String test) {
    return new FaultRun(test, cluster, 42, 100_000);
  }

  private static void sleepSeconds(int s) {
    FaultRun.sleep(Duration.ofSeconds(s));
  }

  @Test
  @Order(1)
  void partitionIsolatingTheNodeLeadingMostGroupsFromTheOtherNodes() throws Exception {
    assumeTrue(Iptables.available(), "iptables is needed (apt-get install iptables)");
    try (FaultRun run = run("partition-one-node")) {
      run.start(6);
      sleepSeconds(3);
      int victim = cluster.nodeLeadingMost();
      cluster.isolate(victim);
      try {
        sleepSeconds(6);
        // The two other nodes must lead every group on their own while it is cut off.
        cluster.awaitHealthyWithout(victim, Duration.ofSeconds(30));
      } finally {
        cluster.heal();
      }
      sleepSeconds(3);
      run.assertValid(run.finish());
    }
  }

  /**
   * The same cut as the stale-reads plant (a node cut off from the nodes and from Kafka, so its
   * replicas stop applying), without the plant: clients through that node get no stale read.
   */
  @Test
  @Order(2)
  void partitionCuttingOneNodeOffFromTheNodesAndFromKafka() throws Exception {
    assumeTrue(Iptables.available(), "iptables is needed (apt-get install iptables)");
    try (FaultRun run = run("partition-node-and-kafka")) {
      run.start(6);
      sleepSeconds(3);
      int victim = cluster.nodeLeadingFewest();
      cluster.isolateFully(victim);
      try {
        sleepSeconds(8);
      } finally {
        cluster.heal();
      }
      sleepSeconds(3);
      run.assertValid(run.finish());
    }
  }

  @Test
  @Order(3)
  void sigstopOfALeadersNodeBeyondTheElectionTimeoutThenSigcont() throws Exception {
    try (FaultRun run = run("sigstop-leader")) {
      run.start(6);
      sleepSeconds(3);
      int victim = cluster.nodeLeadingMost();
      cluster.pause(victim);
      try {
        sleepSeconds(5);
      } finally {
        cluster.resume(victim);
      }
      sleepSeconds(5);
      run.assertValid(run.finish());
    }
  }

  /**
   * A leader's node stopped for longer than the election timeout and than its producers' Kafka
   * {@code transaction.timeout.ms} ({@link FaultNode#TRANSACTION_TIMEOUT}), so the transaction
   * coordinator has aborted whatever it had open and the survivors' new leaders have fenced its
   * writers. After SIGCONT it must come back fenced: each replica that led steps down (its log says
   * {@code role-change ... from=Leader@<term>}) unless the split brain resolver downed the node and
   * it exited, and the history shows no answer from it as a leader (no stale read, no lost write).
   */
  @Test
  @Order(4)
  void sigstopOfALeadersNodeBeyondTheTransactionTimeoutThenSigcont() throws Exception {
    try (FaultRun run = run("sigstop-beyond-txn-timeout")) {
      run.start(6);
      sleepSeconds(3);
      int victim = cluster.nodeLeadingMost();
      Map<String, Long> led = cluster.leadersOn(victim);
      assertFalse(led.isEmpty(), "the chosen node leads no group: " + led);
      Path log = Path.of(cluster.logOf(victim).orElseThrow());
      long logBefore = Files.size(log);
      cluster.pause(victim);
      try {
        FaultRun.sleep(FaultNode.TRANSACTION_TIMEOUT.plusSeconds(4));
      } finally {
        cluster.resume(victim);
      }
      sleepSeconds(8);
      String after = readFrom(log, logBefore);
      boolean exited = !cluster.isAlive(victim);
      for (Map.Entry<String, Long> e : led.entrySet()) {
        String line = "role-change replica=" + e.getKey() + " from=Leader@" + e.getValue() + " ";
        assertTrue(
            exited || after.contains(line),
            "after SIGCONT "
                + e.getKey()
                + " (leader in term "
                + e.getValue()
                + ") neither "
                + "stepped down nor exited; see "
                + log);
      }
      LOG.info(
          "sigstop beyond the transaction timeout: node {} led {}; after SIGCONT {} of them stepped"
              + " down, fenced appends logged: {}, then it {}",
          victim,
          led,
          led.entrySet().stream()
              .filter(
                  e ->
                      after.contains(
                          "role-change replica="
                              + e.getKey()
                              + " from=Leader@"
                              + e.getValue()
                              + " "))
              .count(),
          after.lines().filter(l -> l.contains("failed (fenced: true)")).count(),
          exited ? "exited (downed by the split brain resolver)" : "stayed up");
      run.assertValid(run.finish());
    }
  }

  private static String readFrom(Path file, long offset) throws IOException {
    byte[] all = Files.readAllBytes(file);
    int from = (int) Math.min(offset, all.length);
    return new String(all, from, all.length - from, StandardCharsets.UTF_8);
  }

  @Test
  @Order(5)
  void killOfOneBrokerOfThreeThenRestart() throws Exception {
    try (FaultRun run = run("broker-kill")) {
      run.start(6);
      sleepSeconds(3);
      cluster.kafka().kill(1);
      try {
        sleepSeconds(8);
      } finally {
        cluster.kafka().restart(1);
      }
      sleepSeconds(3);
      run.assertValid(run.finish());
    }
  }

  @Test
  @Order(6)
  void killNineOfTheNodeLeadingMostGroupsThenRestart() throws Exception {
    try (FaultRun run = run("kill-nine")) {
      run.start(6);
      sleepSeconds(3);
      int victim = cluster.nodeLeadingMost();
      cluster.kill(victim);
      sleepSeconds(6);
      cluster.start(victim);
      sleepSeconds(3);
      run.assertValid(run.finish());
    }
  }

  @Test
  @Order(7)
  void aFourthNodeJoinsAndLeavesUnderLoad() throws Exception {
    try (FaultRun run = run("join-leave")) {
      run.start(6);
      sleepSeconds(2);
      int fourth = cluster.addNode();
      cluster.start(fourth);
      cluster.awaitHosting(fourth, Duration.ofSeconds(90));
      sleepSeconds(3);
      cluster.leave(fourth, Duration.ofSeconds(60));
      sleepSeconds(3);
      run.assertValid(run.finish());
    }
  }

  @Test
  @Order(8)
  void restartOfEveryNodeAtOnce() throws Exception {
    try (FaultRun run = run("restart-all")) {
      run.start(6);
      sleepSeconds(4);
      List<Integer> nodes = List.of(0, 1, 2);
      for (int i : nodes) {
        cluster.kill(i);
      }
      for (int i : nodes) {
        cluster.start(i);
      }
      run.assertValid(run.finish());
    }
  }
}
