package dev.shardraft.sample.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.Await;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadResult;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaSettings;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.sample.orders.OrderAudit;
import dev.shardraft.sample.orders.OrderBookState;
import dev.shardraft.sample.orders.OrderCodecs;
import dev.shardraft.sample.orders.OrderCommand;
import dev.shardraft.sample.orders.OrderQuery;
import dev.shardraft.sample.orders.OrderQueryResult;
import dev.shardraft.sample.orders.OrderReply;
import dev.shardraft.sample.orders.OrdersStateMachine;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** An actor system (every message serialized, as across nodes) and helpers for group tests. */
final class GroupFixture implements AutoCloseable {
  static final List<String> MEMBERS = List.of("r1", "r2", "r3");
  static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * Raft timing for tests on a shared, loaded machine: a 150 ms check-quorum window (the default)
   * made leaders step down every second or so under a load average of 20.
   */
  static ReplicaSettings tolerant(ReplicaSettings s) {
    return s.withTiming(Duration.ofMillis(400), Duration.ofMillis(800), Duration.ofMillis(100));
  }

  final ActorSystem<Void> system =
      ActorSystem.create(
          Behaviors.empty(),
          "group-test",
          ConfigFactory.parseString("pekko.actor.serialize-messages = on")
              .withFallback(ConfigFactory.load()));
  final KafkaSettings kafka;

  GroupFixture(String bootstrapServers) {
    this.kafka = KafkaSettings.forBootstrapServers(bootstrapServers);
  }

  KafkaRaftGroup<OrderCommand, OrderReply> start(
      String shard, UnaryOperator<ReplicaSettings> tune) {
    return KafkaRaftGroup.start(
        system, kafka, shard, MEMBERS, s -> tune.apply(tolerant(s)), OrdersStateMachine::new);
  }

  OrderStream stream(
      KafkaRaftGroup<OrderCommand, OrderReply> group, String runId, int clients, int orders) {
    return new OrderStream(system, group, runId, clients, orders, Duration.ofSeconds(2));
  }

  /** The whole order book of replica {@code id}, by a stale read of its applied state. */
  static OrderBookState book(KafkaRaftGroup<OrderCommand, OrderReply> group, String id) {
    ReadResult r =
        assertInstanceOf(
            ReadResult.class,
            group.read(id, ReadMode.STALE, OrderCodecs.QUERIES.encode(new OrderQuery.AllOrders())));
    return assertInstanceOf(
            OrderQueryResult.Book.class, OrderCodecs.QUERY_RESULTS.decode(r.result().toArray()))
        .state();
  }

  /** Waits for a ready leader, followed by all, at a term above {@code term}. */
  static Status awaitLeaderAbove(KafkaRaftGroup<OrderCommand, OrderReply> group, long term) {
    return Await.value(
        "a leader above term " + term,
        WAIT,
        () -> KafkaRaftGroup.agreedLeader(group.statuses()).filter(s -> s.term() > term),
        () -> "" + group.statuses());
  }

  /** The highest acknowledged index. */
  static long lastIndex(OrderStream stream) {
    return stream.acked().stream().mapToLong(a -> a.ack().index()).max().orElse(-1);
  }

  /** Every replica's book equals every other's, also as encoded bytes. */
  static void assertSameBooks(KafkaRaftGroup<OrderCommand, OrderReply> group) {
    List<String> ids = group.running();
    OrderBookState first = book(group, ids.get(0));
    for (String id : ids.subList(1, ids.size())) {
      OrderBookState other = book(group, id);
      assertTrue(
          first.equals(other),
          () -> "book of " + id + " differs from " + ids.get(0) + ": " + difference(first, other));
      assertTrue(
          Arrays.equals(OrderCodecs.SNAPSHOTS.encode(first), OrderCodecs.SNAPSHOTS.encode(other)),
          "encoded book of " + id);
    }
  }

  /** A short description of how two books differ. */
  static String difference(OrderBookState a, OrderBookState b) {
    String counts =
        "orders "
            + a.orders().size()
            + " vs "
            + b.orders().size()
            + ", commandsApplied "
            + a.commandsApplied()
            + " vs "
            + b.commandsApplied();
    for (int i = 0; i < Math.min(a.orders().size(), b.orders().size()); i++) {
      if (!a.orders().get(i).equals(b.orders().get(i))) {
        return counts
            + "; first different order: "
            + a.orders().get(i)
            + " vs "
            + b.orders().get(i);
      }
    }
    return counts;
  }

  /** No replica's book holds order {@code orderId}. */
  static void assertNowhere(KafkaRaftGroup<OrderCommand, OrderReply> group, String orderId) {
    for (String id : group.running()) {
      assertTrue(
          book(group, id).orders().stream().noneMatch(o -> o.orderId().equals(orderId)),
          orderId + " found at " + id);
    }
  }

  /** Every acknowledged command of {@code stream} is applied exactly once on every replica. */
  static void assertExactlyOnceEverywhere(
      KafkaRaftGroup<OrderCommand, OrderReply> group, List<OrderAudit.Acknowledged> acknowledged) {
    for (String id : group.running()) {
      OrderAudit.Verdict v = OrderAudit.check(acknowledged, book(group, id));
      assertTrue(v.clean(), id + ": " + v);
      assertEquals(acknowledged.size(), v.appliedOnce(), id + ": " + v);
    }
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
