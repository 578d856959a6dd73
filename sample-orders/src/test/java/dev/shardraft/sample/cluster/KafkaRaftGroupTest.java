package dev.shardraft.sample.cluster;

import static dev.shardraft.sample.cluster.GroupFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.kafka.local.Await;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.kafka.log.KafkaRaftLog;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadResult;
import dev.shardraft.raft.actor.ReplicaProtocol.Retry;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.sample.orders.OrderAudit;
import dev.shardraft.sample.orders.OrderBookState;
import dev.shardraft.sample.orders.OrderCodecs;
import dev.shardraft.sample.orders.OrderCommand;
import dev.shardraft.sample.orders.OrderLine;
import dev.shardraft.sample.orders.OrderQuery;
import dev.shardraft.sample.orders.OrderQueryResult;
import dev.shardraft.sample.orders.OrderReply;
import dev.shardraft.sample.orders.OrderStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A group of three replica actors on a real one-node Kafka, with commands flowing from several
 * retrying clients: election and identical, exactly-once application; a stopped leader (whose
 * producer lives on, a zombie); a live leader fenced by a newer writer; a replica restarted from
 * snapshot + a truncated log. One broker for all (each test has its own shard).
 */
class KafkaRaftGroupTest {

  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(1);

  static GroupFixture fixture;

  @BeforeAll
  static void setUp() {
    fixture = new GroupFixture(KAFKA.bootstrapServers());
  }

  @AfterAll
  static void tearDown() throws Exception {
    fixture.close();
  }

  @Test
  void electsALeaderAndAppliesEveryAcknowledgedCommandOnceIdenticallyOnAllReplicas() {
    try (KafkaRaftGroup<OrderCommand, OrderReply> group = fixture.start("orders-it-a", s -> s)) {
      Status leader = group.awaitLeader(WAIT);
      assertTrue(leader.term() >= 1, "leader " + leader);

      OrderStream stream = fixture.stream(group, "a", 3, 5);
      stream.start();
      stream.join(WAIT);
      assertEquals(stream.total(), stream.acked().size(), "every command acknowledged");
      Set<String> ids = new HashSet<>();
      stream
          .acked()
          .forEach(
              a ->
                  assertTrue(
                      ids.add(a.clientId() + "#" + a.sequence()), "acknowledged once: " + a));

      group.awaitApplied(GroupFixture.lastIndex(stream), WAIT);
      GroupFixture.assertSameBooks(group);
      for (String id : group.running()) {
        OrderBookState book = GroupFixture.book(group, id);
        OrderAudit.Verdict v = OrderAudit.check(stream.forAudit(), book);
        assertTrue(v.clean(), id + ": " + v);
        assertEquals(stream.total(), v.appliedOnce(), id + ": " + v);
        assertEquals(stream.total(), book.commandsApplied(), id + " applied nothing else");
      }
      assertLinearizableReadsOnlyAtTheLeader(group, group.awaitLeader(WAIT), "a-c0-0");
    }
  }

  /** A linearizable read is served by the leader and redirected to it by a follower. */
  static void assertLinearizableReadsOnlyAtTheLeader(
      KafkaRaftGroup<OrderCommand, OrderReply> group, Status leader, String orderId) {
    byte[] query = OrderCodecs.QUERIES.encode(new OrderQuery.GetOrder(orderId));
    ReadResult r =
        assertInstanceOf(
            ReadResult.class, group.read(leader.replica(), ReadMode.LINEARIZABLE, query));
    OrderQueryResult.OrderFound found =
        assertInstanceOf(
            OrderQueryResult.OrderFound.class,
            OrderCodecs.QUERY_RESULTS.decode(r.result().toArray()));
    assertEquals(OrderStatus.SHIPPED, found.order().status());
    String follower =
        group.running().stream()
            .filter(id -> !id.equals(leader.replica()))
            .findFirst()
            .orElseThrow();
    Retry retry = assertInstanceOf(Retry.class, group.read(follower, ReadMode.LINEARIZABLE, query));
    assertEquals(Optional.of(leader.replica()), retry.leaderHint());
  }

  /** A command entry as the zombie {@code leader} of {@code term} would write it. */
  static List<LogEntry> zombieBatch(long term, String leader, String orderId) {
    OrderCommand place =
        new OrderCommand.PlaceOrder(orderId, "zombie", List.of(new OrderLine("ghost", 1, 1)));
    return List.of(
        new LogEntry(
            term,
            leader,
            new LogEntry.Command(
                "zombie-" + orderId, 1, Bytes.of(OrderCodecs.COMMANDS.encode(place)))));
  }

  /** Appends {@code batch} with {@code writer} and expects it to be fenced. */
  static void assertFenced(LogWriter writer, List<LogEntry> batch) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> writer.append(batch).toCompletableFuture().get(30, TimeUnit.SECONDS));
    Throwable c = e.getCause();
    while (c != null && !(c instanceof LogFencedException)) {
      c = c.getCause();
    }
    assertInstanceOf(LogFencedException.class, c, "cause chain of " + e);
  }

  @Test
  void aStoppedLeaderIsReplacedItsWriterIsFencedAndNoAcknowledgedCommandIsLostOrAppliedTwice() {
    try (KafkaRaftGroup<OrderCommand, OrderReply> group = fixture.start("orders-it-b", s -> s)) {
      Status old = group.awaitLeader(WAIT);
      OrderStream stream = fixture.stream(group, "b", 3, 10);
      stream.start();
      stream.awaitAcknowledged(30, WAIT);

      LogWriter zombie = group.stopAsZombie(old.replica()).orElseThrow();
      try {
        assertTrue(zombie.term() >= old.term(), "the writer of its last term " + zombie.term());
        Status next = group.awaitLeader(WAIT);
        assertNotEquals(old.replica(), next.replica());
        assertTrue(next.term() > zombie.term(), "new term " + next.term() + " > " + zombie.term());
        // The old leader's producer is alive but the new leader's openWriter fenced it.
        assertFenced(zombie, zombieBatch(zombie.term(), old.replica(), "zombie-b"));
      } finally {
        zombie.close();
      }

      stream.join(WAIT);
      assertEquals(stream.total(), stream.acked().size());
      assertTrue(
          stream.acked().stream().anyMatch(a -> !a.ack().replica().equals(old.replica())),
          "the new leader acknowledged commands");
      group.startReplica(old.replica()); // the old leader comes back as a follower, catches up
      group.awaitApplied(GroupFixture.lastIndex(stream), WAIT);
      GroupFixture.assertExactlyOnceEverywhere(group, stream.forAudit());
      GroupFixture.assertSameBooks(group);
      GroupFixture.assertNowhere(group, "zombie-b");
    }
  }

  @Test
  void aLiveLeaderFencedByANewerWriterStepsDownAndTheGroupGoesOnWithoutItsAbortedBatch()
      throws Exception {
    try (KafkaRaftGroup<OrderCommand, OrderReply> group = fixture.start("orders-it-c", s -> s);
        KafkaRaftLog intruderLog = new KafkaRaftLog("orders-it-c", fixture.kafka, fixture.system)) {
      Status old = group.awaitLeader(WAIT);
      OrderStream stream = fixture.stream(group, "c", 3, 10);
      stream.start();
      stream.awaitAcknowledged(20, WAIT);

      // Another writer of the shard (a stale leader's late openWriter) fences the live leader:
      // its next append fails, it steps down, and a new election opens a newer writer.
      Status now = group.awaitLeader(WAIT);
      assertEquals(
          old.replica() + "@" + old.term(),
          now.replica() + "@" + now.term(),
          "the premise: the leader has not changed since the stream started");
      LogWriter intruder =
          intruderLog
              .openWriter(old.term(), "intruder")
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      try {
        Status next = GroupFixture.awaitLeaderAbove(group, old.term());
        assertTrue(next.term() > old.term(), next + " after " + old);
        assertFenced(intruder, zombieBatch(old.term(), "intruder", "zombie-c"));
      } finally {
        intruder.close();
      }

      stream.join(WAIT);
      assertEquals(stream.total(), stream.acked().size());
      group.awaitApplied(GroupFixture.lastIndex(stream), WAIT);
      GroupFixture.assertExactlyOnceEverywhere(group, stream.forAudit());
      GroupFixture.assertSameBooks(group);
      GroupFixture.assertNowhere(group, "zombie-c");
    }
  }

  @Test
  void aRestartedReplicaRebuildsItsStateFromSnapshotAndTheTruncatedLogAndCatchesUp() {
    try (KafkaRaftGroup<OrderCommand, OrderReply> group =
        fixture.start(
            "orders-it-d", s -> s.withSnapshotEvery(10).withDeleteLogAfterSnapshot(true))) {
      String leader = group.awaitLeader(WAIT).replica();
      String follower =
          group.running().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
      OrderStream before = fixture.stream(group, "d1", 2, 4);
      before.start();
      before.join(WAIT);
      group.awaitApplied(GroupFixture.lastIndex(before), WAIT);
      long firstIndex = before.acked().stream().mapToLong(a -> a.ack().index()).min().orElseThrow();

      group.stopReplica(follower);
      OrderStream after = fixture.stream(group, "d2", 2, 4);
      after.start();
      after.join(WAIT);
      // The leader snapshots every 10 positions and then deletes the log below what every
      // replica had applied: the entries of the first commands exist only in snapshots now.
      KafkaRaftLog log = group.kafkaLog(leader).orElseThrow();
      long logStart =
          Await.value(
              "the log truncated past " + firstIndex,
              WAIT,
              () ->
                  Optional.of(Asks.await(log.logStartIndex(), WAIT, "log start"))
                      .filter(start -> start > firstIndex),
              () -> "log start " + Asks.await(log.logStartIndex(), WAIT, "log start"));

      group.startReplica(follower);
      Status restarted = group.status(follower);
      assertTrue(
          restarted.appliedIndex() >= logStart - 1,
          "restored from a snapshot covering the cut at " + logStart + ": " + restarted);
      OrderStream more = fixture.stream(group, "d3", 2, 2); // the restarted replica tails on
      more.start();
      more.join(WAIT);
      List<OrderAudit.Acknowledged> all = new ArrayList<>(before.forAudit());
      all.addAll(after.forAudit());
      all.addAll(more.forAudit());
      group.awaitApplied(GroupFixture.lastIndex(more), WAIT);
      GroupFixture.assertExactlyOnceEverywhere(group, all);
      GroupFixture.assertSameBooks(group);
    }
  }
}
