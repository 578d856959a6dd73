package dev.shardraft.sample.shop.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.Await;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.kafka.projection.EventProjection;
import dev.shardraft.runtime.FamilyStatus;
import dev.shardraft.sample.shop.check.ShopInvariants;
import dev.shardraft.sample.shop.check.ShopInvariants.Acknowledged;
import dev.shardraft.sample.shop.check.ShopInvariants.Report;
import dev.shardraft.sample.shop.inventory.InventoryCommand;
import dev.shardraft.sample.shop.inventory.InventoryReply;
import dev.shardraft.sample.shop.node.OrdersNode;
import dev.shardraft.sample.shop.orders.Order;
import dev.shardraft.sample.shop.orders.OrderCommand;
import dev.shardraft.sample.shop.orders.OrderLine;
import dev.shardraft.sample.shop.orders.OrderReply;
import dev.shardraft.sample.shop.orders.OrderStatus;
import dev.shardraft.sample.shop.orders.OrdersStateMachine;
import dev.shardraft.sample.shop.readmodel.RevenueByCustomer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The saga driven by {@code orders-events} on a real cluster: three shop nodes (three ActorSystems
 * in this JVM, each hosting replicas of 2 orders and 2 inventory groups of 3 replicas, each running
 * the saga consumer and a candidate of the projections' singleton) on a real broker. Orders are
 * placed, rejected for stock, paid, shipped and cancelled; meanwhile (1) every saga consumer is
 * stopped, the saga's committed offset is set back to 0 and the sagas started again, so every event
 * is delivered a second time; (2) a second projection instance of {@code orders-0} is started over
 * the running one (which is fenced, fails and is restarted by the singleton); (3) the oldest node,
 * which hosts the projections' singleton, leaves. After each, {@link ShopInvariants} reads the
 * committed state and every event back and must find nothing lost, nothing done twice.
 */
class SagaTest {
  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(1);

  private static final Duration ASK = Duration.ofSeconds(30);
  private static final List<OrdersNode> NODES = new ArrayList<>();
  private static final Map<String, Set<String>> ACKED = new ConcurrentHashMap<>();
  private static final Map<String, Long> RESTOCKED = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    int seedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      seedPort = s.getLocalPort();
    }
    for (int i = 1; i <= 3; i++) {
      NODES.add(
          OrdersNode.start(
              OrdersNode.config(
                  "shop.node.name = saga-" + i,
                  "shop.node.http-port = 0",
                  "shop.node.artery-port = " + (i == 1 ? seedPort : 0),
                  "shop.node.seeds = \"" + (i == 1 ? "" : "127.0.0.1:" + seedPort) + "\"",
                  "shop.node.replicas = 3",
                  "shop.node.orders-groups = 2",
                  "shop.node.inventory-groups = 2",
                  "shop.node.ask-timeout = 20s",
                  "shardraft.runtime.min-hosting-nodes = 3",
                  "shardraft.runtime.keep-alive-interval = 1s",
                  "pekko.coordinated-shutdown.exit-jvm = off",
                  "shardraft.kafka.bootstrap-servers = \"" + KAFKA.bootstrapServers() + "\"")));
    }
    Await.until("every group has a leader", Duration.ofSeconds(180), SagaTest::allLed);
  }

  private static boolean allLed() {
    try {
      for (var family : List.of(NODES.get(0).orders(), NODES.get(0).inventory())) {
        FamilyStatus s =
            family
                .admin()
                .status(Duration.ofSeconds(2))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        for (FamilyStatus.Group g : s.groups()) {
          if (g.leader().isEmpty()) {
            return false;
          }
        }
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (OrdersNode n : NODES) {
      n.stop(Duration.ofSeconds(60));
    }
  }

  private static OrdersNode node(int i) {
    return NODES.get(i % NODES.size());
  }

  private static ShopInvariants invariants() {
    OrdersNode n = NODES.get(NODES.size() - 1);
    return new ShopInvariants(
        n.orders(),
        n.inventory(),
        KafkaSettings.forBootstrapServers(KAFKA.bootstrapServers()),
        "orders-events",
        OrderSaga.GROUP,
        ASK);
  }

  private static Acknowledged acked() {
    return new Acknowledged(Map.copyOf(ACKED), Map.copyOf(RESTOCKED));
  }

  private static Report settled() throws Exception {
    Report r = invariants().awaitSettled(acked(), Duration.ofSeconds(120));
    assertTrue(r.ok(), "invariants:\n" + r.summary());
    assertTrue(r.settled(), "the saga did not settle:\n" + r.summary());
    return r;
  }

  private static void restock(String sku, int quantity) throws Exception {
    InventoryReply r =
        node(0)
            .inventory()
            .ask(sku, new InventoryCommand.Restock(sku, quantity), ASK)
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    assertInstanceOf(InventoryReply.Done.class, r);
    RESTOCKED.merge(sku, (long) quantity, Long::sum);
  }

  /** Places {@code n} orders from all nodes at once; each needs 1 apple and {@code pears} pears. */
  private static List<String> place(String prefix, int n, int pears) throws Exception {
    List<CompletableFuture<OrderReply>> replies = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      ids.add(id);
      List<OrderLine> lines =
          pears > 0
              ? List.of(new OrderLine("apple", 1), new OrderLine("pear", pears))
              : List.of(new OrderLine("apple", 1));
      replies.add(
          node(i)
              .orders()
              .ask(id, new OrderCommand.Place(id, "c" + (i % 5), lines, 100L * (i + 1)), ASK)
              .toCompletableFuture());
    }
    for (int i = 0; i < n; i++) {
      assertInstanceOf(OrderReply.Accepted.class, replies.get(i).get(60, TimeUnit.SECONDS));
      ACKED.computeIfAbsent(ids.get(i), k -> ConcurrentHashMap.newKeySet()).add("place");
    }
    return ids;
  }

  private static Order command(String id, OrderCommand c) throws Exception {
    OrderReply r =
        node(id.hashCode())
            .orders()
            .ask(id, c, ASK)
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    Order o = assertInstanceOf(OrderReply.Accepted.class, r, r.toString()).order();
    ACKED.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(c.name());
    return o;
  }

  private static Map<String, Order> orders() throws Exception {
    // the committed state as the invariant check reads it
    Map<String, Order> all = new TreeMap<>();
    for (String id : ACKED.keySet()) {
      all.put(id, read(id));
    }
    return all;
  }

  private static Order read(String id) throws Exception {
    byte[] bytes =
        node(0)
            .orders()
            .read(
                id,
                dev.shardraft.sample.shop.orders.OrderCodecs.QUERIES.encode(
                    new dev.shardraft.sample.shop.orders.OrderQuery.GetOrder(id)),
                dev.shardraft.raft.core.ReadMode.LINEARIZABLE,
                ASK)
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    return ((dev.shardraft.sample.shop.orders.OrderQueryResult.OrderFound)
            dev.shardraft.sample.shop.orders.OrderCodecs.QUERY_RESULTS.decode(bytes))
        .order();
  }

  @Test
  void everyStepHappensOnceThroughRedeliveryProjectionRestartsAndANodeLeaving() throws Exception {
    restock("apple", 40);
    restock("pear", 6);

    // 1. orders the saga decides: 6 pears for 3 orders of 2, the 4th and 5th are rejected
    List<String> first = place("a", 5, 2);
    Report r1 = settled();
    Map<String, Order> decided = orders();
    long reserved =
        first.stream().filter(id -> decided.get(id).status() == OrderStatus.RESERVED).count();
    long rejected =
        first.stream().filter(id -> decided.get(id).status() == OrderStatus.REJECTED).count();
    assertEquals(3, reserved, decided.toString());
    assertEquals(2, rejected, decided.toString());
    assertEquals(0, r1.pendingSaga());

    // the lifecycle through the saga: pay + ship one, cancel one (its pears come back)
    String shipped =
        first.stream()
            .filter(id -> decided.get(id).status() == OrderStatus.RESERVED)
            .findFirst()
            .orElseThrow();
    String cancelled =
        first.stream()
            .filter(id -> decided.get(id).status() == OrderStatus.RESERVED && !id.equals(shipped))
            .findFirst()
            .orElseThrow();
    command(shipped, new OrderCommand.Pay(shipped, decided.get(shipped).amountCents()));
    command(shipped, new OrderCommand.Ship(shipped));
    command(cancelled, new OrderCommand.Cancel(cancelled, "changed mind"));
    List<String> second = place("b", 6, 0); // apples only
    settled();

    // 2. the saga stops mid-way, its offset goes back to 0, it restarts: every event again
    for (OrdersNode n : NODES) {
      n.saga().orElseThrow().stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    restock("pear", 4);
    List<String> during = place("c", 4, 1); // stay PLACED while no saga runs
    Report stalled = invariants().check(acked());
    assertTrue(stalled.ok(), stalled.summary());
    assertTrue(stalled.pendingSaga() >= 4, "orders wait for the saga:\n" + stalled.summary());
    KafkaSettings kafka = KafkaSettings.forBootstrapServers(KAFKA.bootstrapServers());
    try (Admin admin = Admin.create(kafka.adminProperties())) {
      Await.until(
          "the saga's consumer group is empty",
          Duration.ofSeconds(60),
          () -> {
            try {
              admin
                  .alterConsumerGroupOffsets(
                      OrderSaga.GROUP,
                      Map.of(new TopicPartition("orders-events", 0), new OffsetAndMetadata(0)))
                  .all()
                  .get(10, TimeUnit.SECONDS);
              return true;
            } catch (Exception e) {
              return false; // still has members
            }
          });
    }
    long handledBefore = NODES.stream().mapToLong(n -> n.saga().orElseThrow().handled()).sum();
    for (OrdersNode n : NODES) {
      n.saga().orElseThrow().start();
    }
    Report again = settled();
    long handledAfter = NODES.stream().mapToLong(n -> n.saga().orElseThrow().handled()).sum();
    assertTrue(
        handledAfter - handledBefore >= again.events(),
        "every event was delivered again: "
            + (handledAfter - handledBefore)
            + " of "
            + again.events());
    Map<String, Order> afterRedelivery = orders();
    // the repeats reached the groups and were refused there: the audit shows each, accepted once
    Order firstShipped = afterRedelivery.get(shipped);
    assertEquals(OrderStatus.SHIPPED, firstShipped.status());
    assertEquals(1, firstShipped.accepted("confirm"));
    assertTrue(
        firstShipped.audit().stream().anyMatch(a -> a.command().equals("confirm") && !a.accepted()),
        "the repeated confirm was refused: " + firstShipped.audit());
    assertEquals(OrderStatus.CANCELLED, afterRedelivery.get(cancelled).status());
    for (String id : during) {
      assertEquals(OrderStatus.RESERVED, afterRedelivery.get(id).status(), id);
    }

    // 3. a second projection of orders-0 overlaps the singleton's (fenced, fails, restarted)
    EventProjection<?, ?> rogue =
        new EventProjection<>(
            "orders-0",
            "orders-events",
            OrdersStateMachine::new,
            1_000_000,
            Optional.empty(),
            kafka,
            node(1).system());
    EventProjection.Running running = rogue.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
    List<String> overlap = place("d", 4, 0);
    // the rogue was fenced by the singleton's restarted projection, or is stopped now: either way
    // it ends, and the events check below is what must hold
    running.stop().handle((done, fenced) -> done).toCompletableFuture().get(60, TimeUnit.SECONDS);
    for (String id : overlap.subList(0, 2)) {
      command(id, new OrderCommand.Cancel(id, "overlap"));
    }
    // one order paid, then cancelled: refunded
    String refunded = overlap.get(2);
    Await.until(
        refunded + " is reserved",
        Duration.ofSeconds(60),
        () -> {
          try {
            return read(refunded).status() == OrderStatus.RESERVED;
          } catch (Exception e) {
            return false;
          }
        });
    command(refunded, new OrderCommand.Pay(refunded, read(refunded).amountCents()));
    command(refunded, new OrderCommand.Cancel(refunded, "refund me"));
    settled();
    // a downstream read model, running from here on through the node leaving below
    RevenueByCustomer early = RevenueByCustomer.start(kafka, "orders-events");

    // 4. the oldest node (hosting the projections' singleton) leaves mid-way
    OrdersNode oldest = NODES.remove(0);
    CompletableFuture<List<String>> load =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return place("e", 6, 0);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    oldest.stop(Duration.ofSeconds(60));
    List<String> last = load.get(120, TimeUnit.SECONDS);
    Report end = settled();
    Map<String, Order> finalOrders = orders();
    for (String id : last) {
      assertEquals(OrderStatus.RESERVED, finalOrders.get(id).status(), id);
    }
    assertEquals(
        first.size() + second.size() + during.size() + overlap.size() + last.size(),
        end.ordersByStatus().values().stream().mapToLong(Long::longValue).sum());
    assertTrue(end.acknowledgedChecked() > 0);

    // the read model, the one that ran through the node leaving and a fresh one, both equal what
    // the committed orders say: every payment counted once, every refund once
    Map<String, RevenueByCustomer.Revenue> expected = new TreeMap<>();
    long refunds = 0;
    for (Order o : finalOrders.values()) {
      if (o.accepted("pay") == 1) {
        long refund = o.status() == OrderStatus.CANCELLED ? o.amountCents() : 0;
        refunds += refund;
        RevenueByCustomer.Revenue b =
            expected.getOrDefault(o.customer(), new RevenueByCustomer.Revenue(0, 0, 0));
        expected.put(
            o.customer(),
            new RevenueByCustomer.Revenue(
                b.paidCents() + o.amountCents(), b.refundedCents() + refund, b.paidOrders() + 1));
      }
    }
    assertTrue(refunds > 0, "an order was refunded");
    try (RevenueByCustomer fresh = RevenueByCustomer.start(kafka, "orders-events")) {
      for (RevenueByCustomer view : List.of(early, fresh)) {
        Await.until(
            "the read model caught up", Duration.ofSeconds(60), () -> view.caughtUp(kafka, ASK));
        assertEquals(expected, view.view().customers());
        assertEquals(end.events(), view.view().events());
      }
    } finally {
      early.close();
    }
  }
}
