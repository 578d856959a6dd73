package dev.shardraft.multijvm.faults;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.multijvm.harness.FaultCluster;
import dev.shardraft.multijvm.harness.FaultRun;
import dev.shardraft.multijvm.harness.Iptables;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each fault alone, under load from six recorded clients, on one cluster of three node JVMs (3
 * groups x 3 replicas) and three brokers, shared by the tests in order (each test uses keys of its
 * own and starts by restarting exited nodes and waiting for a healthy cluster). Every history is
 * checked (see {@link FaultRun#finish}); a failure names the key, the operations and the file.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultTest {
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

  @Test
  @Order(4)
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
  @Order(5)
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
  @Order(6)
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
  @Order(7)
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
