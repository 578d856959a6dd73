package dev.shardraft.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.raft.actor.ReplicaProtocol;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaProtocol.SubmitReply;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.runtime.LedgerMachine;
import dev.shardraft.runtime.RaftGroups;
import dev.shardraft.runtime.ShardedRaft;
import dev.shardraft.runtime.ShardedRaftException;
import dev.shardraft.runtime.node.ReplicaEntity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client's sessions and typed outcomes on a one-node cluster with one real broker and one
 * replica per group, with a session expiry window of 5 log positions: a registered session that
 * expired while idle is renewed (the command is applied once), a late retry after its session
 * expired is {@code SessionExpired} and not applied again, asks pipelined on one session are each
 * applied once across a leader change (the replica restarts in a new term), and a poison command is
 * a typed {@link ShardedRaftException.Failed} with no effect on the commands after it.
 */
class ShardedRaftSessionTest {
  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(1);

  private static final Duration ASK = Duration.ofSeconds(30);
  private static ActorSystem<Void> system;
  private static ShardedRaft<String, Integer> raft;

  @BeforeAll
  static void start() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "shardraft-sessions",
            ConfigFactory.parseString(
                    String.join(
                        "\n",
                        "pekko.actor.provider = cluster",
                        "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                        "pekko.remote.artery.canonical.port = 0",
                        "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
                        "shardraft.runtime.min-hosting-nodes = 1",
                        "shardraft.runtime.keep-alive-interval = 1s",
                        "shardraft.replica.session-expiry-positions = 5",
                        "shardraft.kafka.bootstrap-servers = \"" + KAFKA.bootstrapServers() + "\""))
                .withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    raft =
        ShardedRaft.init(system, RaftGroups.of("sessions", 1, LedgerMachine::new).withReplicas(1));
  }

  @AfterAll
  static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static int ask(String id) {
    return raft.ask("k", id, ASK).toCompletableFuture().join();
  }

  private static List<String> ledger() {
    byte[] all =
        raft.read("k", new byte[0], ReadMode.LINEARIZABLE, ASK).toCompletableFuture().join();
    String s = new String(all, StandardCharsets.UTF_8);
    return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
  }

  /** Another client (not pooled by {@code raft}) uses up log positions of the group. */
  private static void padWithAnotherClient(int commands) {
    String group = raft.groupFor("k");
    TestProbe<SubmitReply> probe = TestProbe.create(system);
    var replica =
        org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(system)
            .entityRefFor(raft.typeKey(), ReplicaEntity.entityId(group, "r1"));
    for (int i = 1; i <= commands; i++) {
      int seq = i;
      replica.tell(
          new ReplicaEntity.Deliver(
              new ReplicaProtocol.Submit(
                  "pad", seq, Bytes.utf8("pad" + seq), (ActorRef<SubmitReply>) probe.ref())));
      assertInstanceOf(ReplicaProtocol.Applied.class, probe.receiveMessage(ASK));
    }
  }

  @Test
  void aSessionThatExpiredWhileIdleIsRenewedAndTheCommandAppliedOnce() {
    awaitReadyLeader();
    ask("first"); // on the group's registered session
    padWithAnotherClient(8); // more positions than the window: that session expired
    ask("second"); // on the expired session first: registered anew, applied once
    ask("third");
    List<String> ledger = ledger();
    for (String id : List.of("first", "second", "third")) {
      assertEquals(1, ledger.stream().filter(id::equals).count(), id + " in " + ledger);
    }
  }

  private static org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<ReplicaEntity.Command>
      replicaRef() {
    return org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(system)
        .entityRefFor(raft.typeKey(), ReplicaEntity.entityId(raft.groupFor("k"), "r1"));
  }

  private static SubmitReply send(TestProbe<SubmitReply> probe, ReplicaProtocol.Submit m) {
    replicaRef().tell(new ReplicaEntity.Deliver(m));
    return probe.receiveMessage(ASK);
  }

  @Test
  void aRetryAfterItsSessionExpiredIsSessionExpiredAndNeverAppliedAgain() {
    awaitReadyLeader();
    TestProbe<SubmitReply> probe = TestProbe.create(system);
    ReplicaProtocol.Applied reg =
        assertInstanceOf(
            ReplicaProtocol.Applied.class,
            send(probe, ReplicaProtocol.Submit.registration("raw-client", probe.ref())));
    String session =
        dev.shardraft.raft.core.apply.SessionRegistration.decodeReply(reg.reply().toArray())
            .sessionId();
    ReplicaProtocol.Submit first =
        new ReplicaProtocol.Submit(session, 1, Bytes.utf8("expiring-1"), 1, probe.ref());
    assertInstanceOf(ReplicaProtocol.Applied.class, send(probe, first));
    padWithAnotherClient(8); // more positions than the window of 5: the session expired
    SubmitReply retry = send(probe, first); // the same command again (a late retry)
    assertInstanceOf(ReplicaProtocol.SessionExpired.class, retry, retry.toString());
    assertEquals(1, ledger().stream().filter("expiring-1"::equals).count(), ledger().toString());
  }

  @Test
  void pipelinedAsksOfOneClientAreEachAppliedOnceAcrossALeaderChange() throws Exception {
    awaitReadyLeader();
    long termBefore = status().term();
    List<java.util.concurrent.CompletableFuture<Integer>> asks = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      asks.add(raft.ask("k", "piped-" + i, ASK).toCompletableFuture()); // all in flight at once
    }
    // The only replica hands off (stops) while they are in flight; sharding starts it again on
    // the client's next attempt, in a new term: a new leader, which answers the retries.
    replicaRef().tell(ReplicaEntity.HandOff.INSTANCE);
    for (var a : asks) {
      a.get(60, TimeUnit.SECONDS);
    }
    awaitReadyLeader();
    List<String> ledger = ledger();
    for (int i = 0; i < 20; i++) {
      String id = "piped-" + i;
      assertEquals(1, ledger.stream().filter(id::equals).count(), id + " in " + ledger);
    }
    assertTrue(status().term() > termBefore, "a leader change happened");
  }

  /**
   * Pekko's javadsl asks return Scala's {@code CompletionStage} adapter, which runs even a
   * non-async callback through {@code ForkJoinPool.commonPool()}; with 2 CPUs that pool has
   * parallelism 1, so {@code CompletableFuture} starts a new thread per callback instead (a JFR
   * recording of the benchmark client showed 274,859 threads started in 4 minutes). The client's
   * answers must be handled on the actor system's dispatcher.
   */
  @Test
  void answersAreHandledOnTheActorSystemsDispatcherNotOnAThreadPerCall() throws Exception {
    awaitReadyLeader();
    ask("warm"); // the session is registered, so the next ask is one attempt
    var threadOfAnswer = new java.util.concurrent.CompletableFuture<String>();
    var asked = raft.ask("k", "thread-check", ASK).toCompletableFuture();
    asked.whenComplete((ok, failed) -> threadOfAnswer.complete(Thread.currentThread().getName()));
    String thread = threadOfAnswer.get(60, TimeUnit.SECONDS);
    asked.join();
    assertTrue(
        thread.startsWith(system.name() + "-pekko.actor.default-dispatcher"),
        "completed on " + thread);
  }

  @Test
  void aPoisonCommandIsATypedFailureAndTheGroupGoesOn() {
    awaitReadyLeader();
    Status before = status();
    CompletionException thrown =
        org.junit.jupiter.api.Assertions.assertThrows(
            CompletionException.class,
            () -> raft.ask("k", "poison-1", ASK).toCompletableFuture().join());
    ShardedRaftException.Failed failed =
        assertInstanceOf(ShardedRaftException.Failed.class, thrown.getCause());
    assertTrue(failed.getMessage().contains("poison command poison-1"), failed.getMessage());
    ask("after-poison");
    Status after = status();
    assertEquals(before.term(), after.term(), "no leader change");
    assertTrue(after.appliedIndex() > failed.index());
    List<String> ledger = ledger();
    assertTrue(ledger.contains("after-poison") && !ledger.contains("poison-1"), ledger.toString());
  }

  private static Status status() {
    return raft.status(raft.groupFor("k"), "r1", ASK).toCompletableFuture().join();
  }

  private static void awaitReadyLeader() {
    TestProbe<Object> probe = TestProbe.create(system);
    probe.awaitAssert(
        Duration.ofSeconds(90),
        Duration.ofMillis(200),
        () -> {
          Status s =
              raft.status(raft.groupFor("k"), "r1", Duration.ofSeconds(2))
                  .toCompletableFuture()
                  .get(5, TimeUnit.SECONDS);
          assertTrue(s.isReadyLeader(), s.toString());
          return null;
        });
  }
}
