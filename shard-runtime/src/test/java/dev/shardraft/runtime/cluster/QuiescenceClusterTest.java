package dev.shardraft.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.runtime.LedgerMachine;
import dev.shardraft.runtime.RaftGroups;
import dev.shardraft.runtime.ShardedRaft;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quiescence of idle groups on a real cluster (three hosting ActorSystems and a client-only one
 * over loopback Artery, one LocalKafka broker; 4 groups x 3 replicas, quiet after 1 s): idle groups
 * quiesce (every replica's {@link Status#quiesced()}), a command to a quiesced group is answered
 * and the group quiesces again, and terminating the node of quiesced leaders (a crash: no leave, no
 * hand-off) yields new ready leaders on the survivors through the node liveness, before any of the
 * lost replicas is started elsewhere (so not through re-allocation, whose restarted replica would
 * campaign itself). The groups share shards ({@code placement.shard-buckets = 2}: each shard holds
 * the same replica of 2 groups), and no two replicas of a group are ever on one node.
 */
class QuiescenceClusterTest {
  private static final Logger LOG = LoggerFactory.getLogger(QuiescenceClusterTest.class);

  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(1);

  private static final int GROUPS = 4;
  private static final Duration ASK = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(90);

  private record Node(String name, ActorSystem<Void> system, ShardedRaft<String, Integer> raft) {}

  private static final List<Node> nodes = new ArrayList<>();
  private static Node client;

  private static Config config(boolean hosting) {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.actor.provider = cluster",
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                "pekko.remote.artery.canonical.port = 0",
                "pekko.cluster.roles = " + (hosting ? "[replica]" : "[]"),
                "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
                "pekko.cluster.downing-provider-class ="
                    + " \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
                "pekko.cluster.split-brain-resolver.active-strategy = keep-majority",
                "pekko.cluster.split-brain-resolver.stable-after = 2s",
                "pekko.coordinated-shutdown.run-by-actor-system-terminate = off",
                "pekko.cluster.run-coordinated-shutdown-when-down = off",
                "shardraft.runtime.replica-role = replica",
                "shardraft.runtime.keep-alive-interval = 1s",
                "shardraft.runtime.quiesce-after = 1s",
                // 4 groups in 2 buckets: every shard holds one replica each of 2 groups, so the
                // placement, the loss of a node and the re-allocation run on shared shards
                "shardraft.runtime.placement.shard-buckets = 2",
                "shardraft.replica.election-timeout-min = 300ms",
                "shardraft.replica.election-timeout-max = 600ms",
                "shardraft.replica.heartbeat-interval = 100ms",
                "shardraft.kafka.bootstrap-servers = \"" + KAFKA.bootstrapServers() + "\""))
        .withFallback(ConfigFactory.load());
  }

  private static Node start(String name, boolean hosting, Optional<Address> seed) {
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "shardraft-quiet", config(hosting));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(seed.orElse(cluster.selfMember().address())));
    ShardedRaft<String, Integer> raft =
        ShardedRaft.init(
            system, RaftGroups.of("quiet", GROUPS, LedgerMachine::new), new SimpleMeterRegistry());
    return new Node(name, system, raft);
  }

  @BeforeAll
  static void startCluster() {
    Node a = start("a", true, Optional.empty());
    Address seed = Cluster.get(a.system()).selfMember().address();
    nodes.add(a);
    nodes.add(start("b", true, Optional.of(seed)));
    nodes.add(start("c", true, Optional.of(seed)));
    client = start("client", false, Optional.of(seed));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    List<Node> all = new ArrayList<>(nodes);
    if (client != null) {
      all.add(client);
    }
    for (Node n : all) {
      n.system().terminate();
    }
    for (Node n : all) {
      n.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static <T> T await(
      String what, Duration max, org.apache.pekko.japi.function.Creator<T> check) {
    TestProbe<Object> probe = TestProbe.create(client.system());
    try {
      return probe.awaitAssert(max, Duration.ofMillis(100), check);
    } catch (AssertionError e) {
      throw new AssertionError("waited " + max + " for " + what + ": " + e.getMessage(), e);
    }
  }

  private static Optional<Status> status(String group, String replica) {
    try {
      return Optional.of(
          client
              .raft()
              .status(group, replica, Duration.ofMillis(500))
              .toCompletableFuture()
              .get(2, TimeUnit.SECONDS));
    } catch (Exception unreachable) {
      return Optional.empty();
    }
  }

  /** Every replica of every group answers quiesced, all following one ready leader per group. */
  private static Map<String, String> allQuiesced() {
    Map<String, String> leaders = new TreeMap<>();
    for (String g : client.raft().groups().groups()) {
      List<Status> st = new ArrayList<>();
      for (String r : client.raft().members()) {
        st.add(status(g, r).orElseThrow(() -> new AssertionError(g + "/" + r + " no status")));
      }
      for (Status s : st) {
        assertTrue(s.quiesced(), g + "/" + s.replica() + " quiesced: " + s);
      }
      List<Status> l = st.stream().filter(Status::isReadyLeader).toList();
      assertEquals(1, l.size(), g + " one ready leader: " + st);
      leaders.put(g, l.get(0).replica());
    }
    return leaders;
  }

  /** One key per group. */
  private static Map<String, String> keyPerGroup() {
    Map<String, String> keys = new TreeMap<>();
    for (int i = 0; keys.size() < GROUPS; i++) {
      keys.putIfAbsent(client.raft().groupFor("key-" + i), "key-" + i);
    }
    return keys;
  }

  private static void commandToEveryGroup(String prefix) throws Exception {
    for (Map.Entry<String, String> e : keyPerGroup().entrySet()) {
      Integer reply =
          client
              .raft()
              .ask(e.getValue(), prefix + "-" + e.getKey(), ASK)
              .toCompletableFuture()
              .get(1, TimeUnit.MINUTES);
      assertTrue(reply != null && reply > 0, "answered " + reply);
    }
  }

  @Test
  void idleGroupsQuiesceServeCommandsAndElectANewLeaderWhenTheLeadersNodeIsLost() throws Exception {
    commandToEveryGroup("first");
    Map<String, String> leaders = await("every group quiesced", WAIT, () -> allQuiesced());
    LOG.info("quiesced; leaders {}", leaders);

    // A command to a quiesced group wakes it, is answered, and the group goes quiet again.
    long t0 = System.nanoTime();
    commandToEveryGroup("woken");
    LOG.info("commands to 4 quiesced groups answered in {} ms", (System.nanoTime() - t0) / 1e6);
    String g0 = keyPerGroup().keySet().iterator().next();
    boolean someAwake =
        client.raft().members().stream()
            .map(r -> status(g0, r))
            .flatMap(Optional::stream)
            .anyMatch(s -> !s.quiesced());
    LOG.info("right after the command, some replica of {} awake: {}", g0, someAwake);
    leaders = await("every group quiesced again", WAIT, () -> allQuiesced());

    // The node leading the most groups is lost while they are quiesced.
    Map<String, String> placed = new TreeMap<>();
    for (Node n : nodes) {
      for (String id : n.raft().localReplicas()) {
        placed.put(id, n.name());
      }
    }
    Map<String, Set<String>> nodesOfGroup = new TreeMap<>();
    placed.forEach(
        (id, node) ->
            assertTrue(
                nodesOfGroup
                    .computeIfAbsent(id.substring(0, id.indexOf('/')), g -> new HashSet<>())
                    .add(node),
                "two replicas of one group on " + node + ": " + placed));
    assertEquals(GROUPS, nodesOfGroup.size(), "every group placed: " + placed);
    Map<String, Integer> ledPerNode = new TreeMap<>();
    leaders.forEach((g, r) -> ledPerNode.merge(placed.get(g + "/" + r), 1, Integer::sum));
    String victimName =
        ledPerNode.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    Node victim = nodes.stream().filter(n -> n.name().equals(victimName)).findFirst().orElseThrow();
    Set<String> lostReplicas = new HashSet<>(victim.raft().localReplicas());
    Set<String> ledByVictim = new HashSet<>();
    Map<String, String> oldLeaders = leaders;
    oldLeaders.forEach(
        (g, r) -> {
          if (placed.get(g + "/" + r).equals(victimName)) {
            ledByVictim.add(g);
          }
        });
    assertFalse(ledByVictim.isEmpty());
    List<Node> survivors = new ArrayList<>(nodes);
    survivors.remove(victim);
    LOG.info("stopping {} which leads the quiesced groups {}", victimName, ledByVictim);
    long killed = System.nanoTime();
    victim.system().terminate();
    nodes.remove(victim);

    Map<String, Long> electedMs = new TreeMap<>();
    Set<String> restartedElsewhere = new HashSet<>();
    await(
        "new ready leaders on the survivors",
        WAIT,
        () -> {
          for (Node s : survivors) {
            for (String id : s.raft().localReplicas()) {
              if (lostReplicas.contains(id)) {
                restartedElsewhere.add(id);
              }
            }
          }
          for (String g : ledByVictim) {
            if (electedMs.containsKey(g)) {
              continue;
            }
            for (String r : client.raft().members()) {
              if (placed.get(g + "/" + r).equals(victimName)) {
                continue;
              }
              if (status(g, r).filter(Status::isReadyLeader).isPresent()) {
                electedMs.put(g, (System.nanoTime() - killed) / 1_000_000);
              }
            }
          }
          List<String> seen = new ArrayList<>();
          for (String g : ledByVictim) {
            for (String r : client.raft().members()) {
              if (!placed.get(g + "/" + r).equals(victimName)) {
                seen.add(status(g, r).map(Status::toString).orElse(g + "/" + r + ": no answer"));
              }
            }
          }
          assertEquals(ledByVictim, electedMs.keySet(), "survivors: " + seen);
          return null;
        });
    LOG.info(
        "idle failover: new ready leaders, ms after terminate() of {}: {}; lost replicas started"
            + " elsewhere by then: {}",
        victimName,
        electedMs,
        restartedElsewhere);
    assertEquals(
        Set.of(),
        restartedElsewhere,
        "the new leaders were elected before any lost replica was re-allocated");
    for (String g : ledByVictim) {
      String newLeader =
          client.raft().members().stream()
              .filter(r -> status(g, r).filter(Status::isReadyLeader).isPresent())
              .findFirst()
              .orElseThrow();
      assertNotEquals(oldLeaders.get(g), newLeader, g);
    }
    // And every group still takes commands.
    commandToEveryGroup("after");
  }
}
