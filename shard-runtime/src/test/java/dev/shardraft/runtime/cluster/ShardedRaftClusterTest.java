package dev.shardraft.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.Await;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.kafka.log.KafkaRaftLog;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.core.apply.Applier;
import dev.shardraft.runtime.FamilyStatus;
import dev.shardraft.runtime.LedgerMachine;
import dev.shardraft.runtime.RaftGroups;
import dev.shardraft.runtime.ShardedRaft;
import dev.shardraft.runtime.ShardedRaftAdmin;
import dev.shardraft.runtime.metrics.ReplicaMeters;
import dev.shardraft.runtime.placement.ReplicaPlacement;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three hosting ActorSystems and one client-only system in one JVM form a real Pekko Cluster over
 * loopback Artery (TCP, port 0), with one LocalKafka broker. One family of 8 groups x 3 replicas:
 * commands to many keys are answered from every node; no two replicas of a group share a node;
 * terminating the node that hosts the most leaders (as a crash: no leave, no hand-off) keeps every
 * group available after a new election, long before the split brain resolver downs it; the lost
 * replicas then start on the survivors; a new node joins and the rebalance spreads the replicas
 * over distinct nodes again, one replica of a group at a time; and reading every group's log back
 * through an {@link Applier} shows every acknowledged command applied exactly once.
 */
class ShardedRaftClusterTest {
  private static final Logger LOG = LoggerFactory.getLogger(ShardedRaftClusterTest.class);

  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(1);

  private static final int GROUPS = 8;
  private static final Duration ASK = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(90);

  private record Node(
      String name,
      ActorSystem<Void> system,
      ShardedRaft<String, Integer> raft,
      SimpleMeterRegistry registry) {}

  private static final List<Node> nodes = new ArrayList<>();
  private static Node client;

  private static Config config(boolean hosting) {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.actor.provider = cluster",
                "pekko.loglevel = DEBUG",
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
                "pekko.cluster.sharding.rebalance-interval = 2s",
                // Terminating a system is a crash here: no leave, no hand-off.
                "pekko.coordinated-shutdown.run-by-actor-system-terminate = off",
                "pekko.cluster.run-coordinated-shutdown-when-down = off",
                "shardraft.runtime.replica-role = replica",
                "shardraft.runtime.keep-alive-interval = 1s",
                "shardraft.replica.election-timeout-min = 300ms",
                "shardraft.replica.election-timeout-max = 600ms",
                "shardraft.replica.heartbeat-interval = 100ms",
                "shardraft.kafka.bootstrap-servers = \"" + KAFKA.bootstrapServers() + "\""))
        .withFallback(ConfigFactory.load());
  }

  private static Node start(String name, boolean hosting, Optional<Address> seed) {
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "shardraft-it", config(hosting));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(seed.orElse(cluster.selfMember().address())));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ShardedRaft<String, Integer> raft =
        ShardedRaft.init(system, RaftGroups.of("ledger", GROUPS, LedgerMachine::new), registry);
    return new Node(name, system, raft, registry);
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

  private static ShardedRaftAdmin admin(Node n) {
    return n.raft().admin();
  }

  /** Which node each running replica is on; fails if one runs on two nodes. */
  private static Map<String, String> placement(List<Node> hosts) {
    Map<String, String> where = new TreeMap<>();
    for (Node n : hosts) {
      for (String id : n.raft().localReplicas()) {
        String before = where.put(id, n.name());
        assertTrue(before == null, id + " runs on " + before + " and " + n.name());
      }
    }
    return where;
  }

  private static List<String> allReplicaIds() {
    List<String> ids = new ArrayList<>();
    for (String g : client.raft().groups().groups()) {
      for (String r : client.raft().members()) {
        ids.add(g + "/" + r);
      }
    }
    return ids;
  }

  /** The ready leader of {@code group} that every answering replica follows, if any. */
  private static Optional<String> agreedLeader(String group) {
    List<Status> statuses = new ArrayList<>();
    for (String r : client.raft().members()) {
      try {
        statuses.add(
            client
                .raft()
                .status(group, r, Duration.ofMillis(500))
                .toCompletableFuture()
                .get(2, TimeUnit.SECONDS));
      } catch (Exception unreachable) {
        // a replica on a lost node: the others decide
      }
    }
    List<Status> leaders = statuses.stream().filter(Status::isReadyLeader).toList();
    if (statuses.size() < 2 || leaders.size() != 1) {
      return Optional.empty();
    }
    Status l = leaders.get(0);
    boolean followed =
        statuses.stream()
            .allMatch(s -> s.term() == l.term() && s.leader().equals(Optional.of(l.replica())));
    return followed ? Optional.of(l.replica()) : Optional.empty();
  }

  /** Whether a replica of {@code group} that is not on node {@code lost} is a ready leader. */
  private static boolean readyLeaderAmong(String group, Map<String, String> placed, String lost) {
    for (String r : client.raft().members()) {
      if (placed.get(group + "/" + r).equals(lost)) {
        continue;
      }
      try {
        Status s =
            client
                .raft()
                .status(group, r, Duration.ofMillis(300))
                .toCompletableFuture()
                .get(1, TimeUnit.SECONDS);
        if (s.isReadyLeader()) {
          return true;
        }
      } catch (Exception busy) {
        // not answered in time: ask again at the next poll
      }
    }
    return false;
  }

  private static Map<String, String> leaders() {
    Map<String, String> leaders = new TreeMap<>();
    for (String g : client.raft().groups().groups()) {
      leaders.put(g, agreedLeader(g).orElseThrow(() -> new AssertionError("no leader in " + g)));
    }
    return leaders;
  }

  /** One key per group (the first of key-0, key-1, ... that maps to it). */
  private static Map<String, String> keyPerGroup() {
    Map<String, String> keys = new TreeMap<>();
    for (int i = 0; keys.size() < GROUPS; i++) {
      keys.putIfAbsent(client.raft().groupFor("key-" + i), "key-" + i);
    }
    return keys;
  }

  /** Sends command {@code id} for {@code key} from {@code from}; records it when acknowledged. */
  private static CompletableFuture<Integer> send(
      Node from, String key, String id, Map<String, String> acked) {
    return from.raft()
        .ask(key, id, ASK)
        .toCompletableFuture()
        .whenComplete(
            (reply, failed) -> {
              if (failed == null) {
                acked.put(id, from.raft().groupFor(key));
              }
            });
  }

  @Test
  void eightGroupsOnThreeNodesKeepServingWhenTheNodeWithTheMostLeadersIsLost() throws Exception {
    long t0 = System.nanoTime();
    List<String> ids = allReplicaIds();
    Map<String, String> placed =
        await(
            "every replica running, on distinct nodes per group, and a leader per group",
            WAIT,
            () -> {
              Map<String, String> where = placement(nodes);
              assertEquals(new HashSet<>(ids), where.keySet(), "running replicas");
              leaders();
              return where;
            });
    LOG.info(
        "cluster up, 24 replicas running, 8 leaders in {} ms",
        (System.nanoTime() - t0) / 1_000_000);
    assertTrue(client.raft().localReplicas().isEmpty(), "the client-only node hosts nothing");
    Map<String, Set<String>> groupsPerNode = new HashMap<>();
    placed.forEach(
        (id, node) ->
            assertTrue(
                groupsPerNode
                    .computeIfAbsent(node, n -> new HashSet<>())
                    .add(ReplicaPlacement.groupOf(id)),
                "two replicas of " + ReplicaPlacement.groupOf(id) + " on " + node + ": " + placed));
    for (Node n : nodes) {
      assertEquals(
          GROUPS, groupsPerNode.get(n.name()).size(), n.name() + " hosts one replica per group");
    }

    // Phase 1: many keys, from every node (the client-only one too).
    Map<String, String> acked = new ConcurrentHashMap<>();
    List<Node> senders = List.of(nodes.get(0), nodes.get(1), nodes.get(2), client);
    List<CompletableFuture<Integer>> phase1 = new ArrayList<>();
    Set<String> groupsAsked = new HashSet<>();
    for (int i = 0; i < 160; i++) {
      String key = "key-" + i;
      groupsAsked.add(client.raft().groupFor(key));
      phase1.add(send(senders.get(i % senders.size()), key, "p1-" + i, acked));
    }
    CompletableFuture.allOf(phase1.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    assertEquals(160, acked.size(), "every phase-1 command acknowledged");
    assertEquals(GROUPS, groupsAsked.size(), "the keys cover every group");

    // A linearizable read sees an acknowledged command.
    String readKey = "key-0";
    String book =
        new String(
            client
                .raft()
                .read(readKey, new byte[0], ReadMode.LINEARIZABLE, ASK)
                .toCompletableFuture()
                .get(1, TimeUnit.MINUTES),
            StandardCharsets.UTF_8);
    assertTrue(List.of(book.split("\n")).contains("p1-0"), "read sees p1-0: " + book);

    // The node hosting the most leaders.
    Map<String, String> leaders = leaders();
    checkMetrics(leaders, placed);
    Map<String, Integer> leadersPerNode = new TreeMap<>();
    leaders.forEach((g, r) -> leadersPerNode.merge(placed.get(g + "/" + r), 1, Integer::sum));
    String victimName =
        leadersPerNode.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    Node victim = nodes.stream().filter(n -> n.name().equals(victimName)).findFirst().orElseThrow();
    List<Node> survivors = new ArrayList<>(nodes);
    survivors.remove(victim);
    Set<String> ledByVictim = new HashSet<>();
    leaders.forEach(
        (g, r) -> {
          if (placed.get(g + "/" + r).equals(victimName)) {
            ledByVictim.add(g);
          }
        });
    LOG.info(
        "leaders per node {}; stopping {} (leads {})", leadersPerNode, victimName, ledByVictim);

    // Phase 2: commands in flight while the node is lost, from the survivors.
    List<Node> survivorSenders = List.of(survivors.get(0), survivors.get(1), client);
    List<CompletableFuture<Integer>> phase2 = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      phase2.add(send(survivorSenders.get(i % 3), "key-" + i, "p2-" + i, acked));
    }
    Address victimAddress = Cluster.get(victim.system()).selfMember().address();
    long killed = System.nanoTime();
    victim.system().terminate();
    victim.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    long terminatedMs = (System.nanoTime() - killed) / 1_000_000;
    nodes.remove(victim);

    // Every group answers a command sent after the loss; time to the first answer per group.
    Map<String, Long> recoveredMs = new ConcurrentHashMap<>();
    List<CompletableFuture<Integer>> probes = new ArrayList<>();
    keyPerGroup()
        .forEach(
            (group, key) ->
                probes.add(
                    send(client, key, "probe-" + group, acked)
                        .whenComplete(
                            (r, f) -> {
                              if (f == null) {
                                recoveredMs.put(group, (System.nanoTime() - killed) / 1_000_000);
                              }
                            })));
    // Meanwhile: when each group that lost its leader has a ready leader among its survivors (the
    // old leader was on the victim, so any leader there is a new one).
    Map<String, Long> electedMs = new TreeMap<>();
    TestProbe<Object> watch = TestProbe.create(client.system());
    watch.awaitAssert(
        WAIT,
        Duration.ofMillis(20),
        () -> {
          for (String g : ledByVictim) {
            if (!electedMs.containsKey(g) && readyLeaderAmong(g, placed, victimName)) {
              electedMs.put(g, (System.nanoTime() - killed) / 1_000_000);
            }
          }
          assertEquals(ledByVictim, electedMs.keySet(), "groups with a new ready leader");
          return null;
        });
    CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    long allAvailableMs = (System.nanoTime() - killed) / 1_000_000;
    LOG.info(
        "new ready leaders of the groups {} led, ms after terminate() (termination took {} ms): {}",
        victimName,
        terminatedMs,
        electedMs);
    boolean removedYet =
        members(client).stream()
            .noneMatch(m -> m.address().equals(victimAddress) && m.status() == MemberStatus.up());
    LOG.info(
        "after losing {} (its termination took {} ms): every group answered a command sent after"
            + " it within {} ms of terminate() (per group {}; groups it led: {}); victim already"
            + " downed then: {}",
        victimName,
        terminatedMs,
        allAvailableMs,
        recoveredMs,
        ledByVictim,
        removedYet);
    CompletableFuture.allOf(phase2.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    assertEquals(160 + 80 + GROUPS, acked.size(), "every command acknowledged");
    for (String g : ledByVictim) {
      assertNotEquals(
          leaders.get(g),
          agreedLeaderEventually(g),
          g + " elected a new leader (its old one was on " + victimName + ")");
    }

    // The split brain resolver downs the lost node; its replicas then start on the survivors.
    await(
        victimName + " removed from the cluster",
        WAIT,
        () -> {
          assertTrue(
              members(client).stream().noneMatch(m -> m.address().equals(victimAddress)),
              "still a member");
          return null;
        });
    long downedMs = (System.nanoTime() - killed) / 1_000_000;
    await(
        "the lost replicas running again on the survivors",
        WAIT,
        () -> {
          assertEquals(new HashSet<>(ids), placement(survivors).keySet());
          return null;
        });
    LOG.info(
        "{} removed {} ms after it stopped; its replicas restarted on the survivors after {} ms",
        victimName,
        downedMs,
        (System.nanoTime() - killed) / 1_000_000);

    // A new hosting node joins: rebalances move one replica of a group at a time onto it (a leader
    // hands leadership away first) while commands keep coming; every group keeps a quorum.
    Node d =
        start(
            "d", true, Optional.of(Cluster.get(survivors.get(0).system()).selfMember().address()));
    nodes.add(d);
    List<Node> hosts = new ArrayList<>(survivors);
    hosts.add(d);
    long joined = System.nanoTime();
    List<CompletableFuture<Integer>> phase3 = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      phase3.add(send(i % 2 == 0 ? client : survivors.get(0), "key-" + i, "p3-" + i, acked));
    }
    int[] fewestRunning = {client.raft().members().size()};
    int[] polls = {0};
    await(
        "the replicas spread over "
            + survivors.get(0).name()
            + ", "
            + survivors.get(1).name()
            + " and d",
        WAIT,
        () -> {
          Map<String, String> where = placement(hosts);
          Map<String, Integer> running = new HashMap<>();
          where
              .keySet()
              .forEach(id -> running.merge(ReplicaPlacement.groupOf(id), 1, Integer::sum));
          for (String g : client.raft().groups().groups()) {
            fewestRunning[0] = Math.min(fewestRunning[0], running.getOrDefault(g, 0));
          }
          polls[0]++;
          assertEquals(new HashSet<>(ids), where.keySet(), "running replicas");
          Map<String, Set<String>> perNode = new HashMap<>();
          where.forEach(
              (id, node) ->
                  assertTrue(
                      perNode
                          .computeIfAbsent(node, n -> new HashSet<>())
                          .add(ReplicaPlacement.groupOf(id)),
                      "still two replicas of a group on " + node));
          return where;
        });
    long spreadMs = (System.nanoTime() - joined) / 1_000_000;
    assertTrue(
        fewestRunning[0] >= 2,
        "a group had only " + fewestRunning[0] + " replicas running during the rebalance");
    CompletableFuture.allOf(phase3.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    assertEquals(160 + 80 + GROUPS + 40, acked.size(), "every command acknowledged");
    LOG.info(
        "d joined: replicas on distinct nodes again after {} ms; fewest replicas of a group running"
            + " in {} samples: {}",
        spreadMs,
        polls[0],
        fewestRunning[0]);

    // The admin calls, from the client-only node: a status of every group, then leader balance.
    FamilyStatus before =
        client.raft().admin().status(ASK).toCompletableFuture().get(1, TimeUnit.MINUTES);
    assertEquals(GROUPS, before.groups().size());
    for (FamilyStatus.Group g : before.groups()) {
      assertEquals(3, g.running(), g.group() + " replicas answering: " + g);
      assertEquals(
          3,
          g.replicas().stream().map(r -> r.node().orElseThrow()).distinct().count(),
          g.group() + " on distinct nodes: " + g);
    }
    // Pile every leadership onto one node with transferLeadership, then balance.
    String pile = Cluster.get(survivors.get(0).system()).selfMember().address().toString();
    await(
        "every group led from " + pile,
        WAIT,
        () -> {
          FamilyStatus now =
              admin(client).status(ASK).toCompletableFuture().get(1, TimeUnit.MINUTES);
          List<CompletableFuture<Void>> transfers = new ArrayList<>();
          for (FamilyStatus.Group g : now.groups()) {
            boolean ledThere =
                g.leader().flatMap(FamilyStatus.Replica::node).equals(Optional.of(pile));
            if (!ledThere) {
              String target =
                  g.replicas().stream()
                      .filter(r -> r.node().equals(Optional.of(pile)))
                      .findFirst()
                      .orElseThrow()
                      .replica();
              transfers.add(
                  admin(client).transferLeadership(g.group(), target, ASK).toCompletableFuture());
            }
          }
          CompletableFuture.allOf(transfers.toArray(CompletableFuture[]::new))
              .get(2, TimeUnit.MINUTES);
          FamilyStatus piled =
              admin(client).status(ASK).toCompletableFuture().get(1, TimeUnit.MINUTES);
          assertEquals(
              GROUPS, piled.leadersPerNode().getOrDefault(pile, 0), "" + piled.leadersPerNode());
          return piled;
        });
    // Elections on a loaded machine can move a leader again: balance until a snapshot shows it.
    List<Integer> movesMade = new ArrayList<>();
    Map<String, Integer> balancedLeaders =
        await(
            "leaders balanced over the three hosting nodes",
            WAIT,
            () -> {
              movesMade.add(
                  admin(client)
                      .balanceLeaders(WAIT)
                      .toCompletableFuture()
                      .get(2, TimeUnit.MINUTES)
                      .size());
              Map<String, Integer> perNode =
                  admin(client)
                      .status(ASK)
                      .toCompletableFuture()
                      .get(1, TimeUnit.MINUTES)
                      .leadersPerNode();
              assertEquals(3, perNode.size(), "three hosting nodes: " + perNode);
              assertEquals(
                  GROUPS,
                  perNode.values().stream().mapToInt(Integer::intValue).sum(),
                  "every group led: " + perNode);
              int most = perNode.values().stream().max(Integer::compare).orElseThrow();
              int fewest = perNode.values().stream().min(Integer::compare).orElseThrow();
              assertTrue(most - fewest <= 1, "leaders balanced: " + perNode);
              return perNode;
            });
    LOG.info(
        "leaders per node after balancing: {} (moves per balance call: {})",
        balancedLeaders,
        movesMade);
    assertTrue(movesMade.get(0) >= 5, "8 leaders on one node need at least 5 moves: " + movesMade);
    List<CompletableFuture<Integer>> phase4 = new ArrayList<>();
    keyPerGroup().forEach((g, key) -> phase4.add(send(client, key, "p4-" + g, acked)));
    CompletableFuture.allOf(phase4.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);

    // Read every log back: each acknowledged command applied exactly once, none twice.
    Map<String, List<String>> applied = readLogsBack();
    Map<String, Integer> counts = new HashMap<>();
    applied.values().forEach(list -> list.forEach(id -> counts.merge(id, 1, Integer::sum)));
    counts.forEach((id, n) -> assertEquals(1, n, id + " applied " + n + " times"));
    acked.forEach(
        (id, group) ->
            assertTrue(
                applied.get(group).contains(id), "acknowledged " + id + " missing from " + group));
    LOG.info(
        "logs read back: {} commands applied, {} acknowledged, total run {} ms",
        counts.size(),
        acked.size(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  private static List<org.apache.pekko.cluster.Member> members(Node n) {
    List<org.apache.pekko.cluster.Member> all = new ArrayList<>();
    Cluster.get(n.system()).state().getMembers().forEach(all::add);
    return all;
  }

  private static String agreedLeaderEventually(String group) {
    return await("a leader of " + group, WAIT, () -> agreedLeader(group).orElseThrow());
  }

  /** Every group's log, applied by a fresh {@link LedgerMachine}: the ids in log order. */
  private static Map<String, List<String>> readLogsBack() throws Exception {
    Map<String, List<String>> out = new LinkedHashMap<>();
    KafkaSettings kafka = KafkaSettings.forBootstrapServers(KAFKA.bootstrapServers());
    for (String group : client.raft().groups().groups()) {
      LedgerMachine machine = new LedgerMachine();
      Applier<String, Integer> applier = new Applier<>(machine, 1_000_000);
      try (KafkaRaftLog log = new KafkaRaftLog(group, kafka, client.system())) {
        long end = log.endIndex().toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
          // A tail never completes: it ends here when nothing came for 3 s (all was committed).
          log.tail(0)
              .takeWhile(e -> e.index() < end)
              .idleTimeout(Duration.ofSeconds(3))
              .runWith(Sink.foreach(applier::apply), client.system())
              .toCompletableFuture()
              .get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TimeoutException)) {
            throw e;
          }
        }
        assertTrue(
            applier.nextIndex() >= end - 1,
            group + ": read up to " + applier.nextIndex() + " of " + end);
      }
      out.put(group, machine.applied());
    }
    return out;
  }

  /**
   * What the nodes' registries say after phase 1: each hosting node has the meters of exactly its
   * own replicas, the leaders' role gauges say leader, appends were timed, the client-only node
   * counted its 40 asks and its read, and every replica catches up (apply lag 0).
   */
  private static void checkMetrics(Map<String, String> leaders, Map<String, String> placed) {
    for (Node n : nodes) {
      Set<String> metered = new HashSet<>();
      n.registry()
          .find("shardraft.replica.role")
          .gauges()
          .forEach(g -> metered.add(g.getId().getTag("group") + "/" + g.getId().getTag("replica")));
      assertEquals(n.raft().localReplicas(), metered, n.name() + " meters its own replicas");
    }
    leaders.forEach(
        (group, replica) -> {
          Node at =
              nodes.stream()
                  .filter(n -> n.name().equals(placed.get(group + "/" + replica)))
                  .findFirst()
                  .orElseThrow();
          double role =
              at.registry()
                  .get("shardraft.replica.role")
                  .tags("group", group, "replica", replica)
                  .gauge()
                  .value();
          assertEquals(ReplicaMeters.LEADER, (int) role, group + "/" + replica + " role gauge");
        });
    double batched =
        nodes.stream()
            .flatMap(n -> n.registry().find("shardraft.replica.batch.size").summaries().stream())
            .mapToDouble(DistributionSummary::totalAmount)
            .sum();
    assertTrue(batched >= 160 + GROUPS, "phase 1 and the barriers were appended: " + batched);
    long timed =
        nodes.stream()
            .flatMap(n -> n.registry().find("shardraft.replica.commit.latency").timers().stream())
            .mapToLong(Timer::count)
            .sum();
    assertTrue(timed > 0, "commit latency recorded");
    assertEquals(
        40,
        client
            .registry()
            .get("shardraft.client.calls")
            .tags("kind", "ask", "outcome", "ok")
            .timer()
            .count(),
        "the client-only node's acknowledged asks");
    assertEquals(
        1,
        client
            .registry()
            .get("shardraft.client.calls")
            .tags("kind", "read", "outcome", "ok")
            .timer()
            .count());
    Await.until(
        "every replica's apply lag is 0",
        WAIT,
        () ->
            nodes.stream()
                .flatMap(n -> n.registry().find("shardraft.replica.apply.lag").gauges().stream())
                .allMatch(g -> g.value() == 0));
  }

  @Test
  void badKeysAreRefusedAtOnce() {
    IllegalArgumentException blank =
        assertThrows(IllegalArgumentException.class, () -> client.raft().ask(" ", "x", ASK));
    assertTrue(blank.getMessage().contains("blank"), blank.getMessage());
    assertThrows(IllegalArgumentException.class, () -> client.raft().ask(null, "x", ASK));
    assertThrows(
        IllegalArgumentException.class, () -> client.raft().ask("key-1", "x", Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> client.raft().ask("key-1", null, ASK));
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class, () -> client.raft().status("ledger-8", "r1", ASK));
    assertTrue(unknown.getMessage().contains("ledger-8/r1"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> client.raft().status("ledger-1", "r4", ASK));
  }

  @Test
  void aFamilyWhoseGroupCountShrankIsRefusedAtStart() throws Exception {
    // The cluster's nodes created raft-log-ledger-0..7; a node configured with 4 groups must not
    // start (keys of ledger-4..7 would move to other groups).
    ActorSystem<Void> other = ActorSystem.create(Behaviors.empty(), "shardraft-it", config(true));
    try {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> ShardedRaft.init(other, RaftGroups.of("ledger", 4, LedgerMachine::new)));
      assertTrue(
          e.getMessage().contains("raft-log-ledger-4")
              && e.getMessage().contains("raft-log-ledger-7"),
          e.getMessage());
    } finally {
      other.terminate();
      other.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
