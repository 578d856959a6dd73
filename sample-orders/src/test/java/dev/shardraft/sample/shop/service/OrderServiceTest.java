package dev.shardraft.sample.shop.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.runtime.RaftGroups;
import dev.shardraft.runtime.ShardedRaft;
import dev.shardraft.sample.shop.domain.Refusal;
import dev.shardraft.sample.shop.inventory.InventoryCodecs;
import dev.shardraft.sample.shop.inventory.InventoryCommand;
import dev.shardraft.sample.shop.inventory.InventoryQuery;
import dev.shardraft.sample.shop.inventory.InventoryQueryResult;
import dev.shardraft.sample.shop.inventory.InventoryReply;
import dev.shardraft.sample.shop.inventory.InventoryStateMachine;
import dev.shardraft.sample.shop.inventory.Reservation;
import dev.shardraft.sample.shop.inventory.Stock;
import dev.shardraft.sample.shop.orders.OrderCommand;
import dev.shardraft.sample.shop.orders.OrderLine;
import dev.shardraft.sample.shop.orders.OrderReply;
import dev.shardraft.sample.shop.orders.OrderStatus;
import dev.shardraft.sample.shop.orders.OrdersStateMachine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The order workflow on {@link ShardedRaft} with a real broker: a one-node Pekko Cluster hosting
 * two families ({@code orders}, {@code inventory}, 2 groups each, 1 replica per group so a loaded
 * machine elects fast), and the stock read back from the inventory groups after each step.
 */
class OrderServiceTest {

  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(1);

  private static final Duration ASK = Duration.ofSeconds(60);
  private static ActorSystem<Void> system;
  private static ShardedRaft<InventoryCommand, InventoryReply> inventory;
  private static OrderService service;

  @BeforeAll
  static void start() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "shop-test",
            ConfigFactory.parseString(
                    String.join(
                        "\n",
                        "pekko.actor.provider = cluster",
                        "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                        "pekko.remote.artery.canonical.port = 0",
                        "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                        "shardraft.runtime.min-hosting-nodes = 1",
                        "shardraft.runtime.keep-alive-interval = 1s",
                        "shardraft.kafka.bootstrap-servers = \"" + KAFKA.bootstrapServers() + "\""))
                .withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    ShardedRaft<OrderCommand, OrderReply> orders =
        ShardedRaft.init(
            system, RaftGroups.of("orders", 2, OrdersStateMachine::new).withReplicas(1));
    inventory =
        ShardedRaft.init(
            system, RaftGroups.of("inventory", 2, InventoryStateMachine::new).withReplicas(1));
    service = new OrderService(orders, inventory, ASK);
  }

  @AfterAll
  static void stop() throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static <T> T get(CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(2, TimeUnit.MINUTES);
  }

  private static Stock stock(String sku) throws Exception {
    byte[] bytes =
        get(
            inventory.read(
                sku,
                InventoryCodecs.QUERIES.encode(new InventoryQuery.GetStock(sku)),
                ReadMode.LINEARIZABLE,
                ASK));
    return assertInstanceOf(
            InventoryQueryResult.StockFound.class, InventoryCodecs.QUERY_RESULTS.decode(bytes))
        .stock();
  }

  private static OrderStatus status(OrderReply r) {
    return assertInstanceOf(OrderReply.Accepted.class, r).order().status();
  }

  @Test
  void anOrderReservesItsStockShipsAndCommitsItAndAShortageRejectsAndReleasesEverything()
      throws Exception {
    get(inventory.ask("apple", new InventoryCommand.Restock("apple", 5), ASK));
    get(inventory.ask("pear", new InventoryCommand.Restock("pear", 1), ASK));

    OrderCommand.Place first =
        new OrderCommand.Place(
            "t-1", "alice", List.of(new OrderLine("apple", 3), new OrderLine("pear", 1)), 700);
    assertEquals(OrderStatus.RESERVED, status(get(service.place(first))));
    // a client's repeat of the same place changes nothing
    assertEquals(OrderStatus.RESERVED, status(get(service.place(first))));
    assertEquals(2, stock("apple").available());
    assertEquals(3, stock("apple").reserved());

    OrderCommand.Place second =
        new OrderCommand.Place(
            "t-2", "bob", List.of(new OrderLine("apple", 2), new OrderLine("pear", 1)), 500);
    OrderReply rejected = get(service.place(second));
    assertEquals(OrderStatus.REJECTED, status(rejected));
    assertTrue(
        ((OrderReply.Accepted) rejected).order().reason().contains("pear"), rejected.toString());
    // apple was reserved for t-2 (2 were available), then released when pear was short
    assertEquals(2, stock("apple").available());
    assertEquals(
        Reservation.State.RELEASED,
        stock("apple").reservations().stream()
            .filter(r -> r.orderId().equals("t-2"))
            .findFirst()
            .orElseThrow()
            .state());

    OrderReply early = get(service.ship("t-1"));
    assertEquals(Refusal.CONFLICT, assertInstanceOf(OrderReply.Refused.class, early).refusal());
    assertEquals(OrderStatus.PAID, status(get(service.pay("t-1", 700))));
    assertEquals(OrderStatus.SHIPPED, status(get(service.ship("t-1"))));
    Stock apple = stock("apple");
    assertEquals(
        List.of(2L, 0L, 3L), List.of(apple.available(), apple.reserved(), apple.shipped()));
    assertEquals(1, stock("pear").shipped());

    OrderCommand.Place third =
        new OrderCommand.Place("t-3", "carol", List.of(new OrderLine("apple", 2)), 200);
    assertEquals(OrderStatus.RESERVED, status(get(service.place(third))));
    assertEquals(0, stock("apple").available());
    assertEquals(OrderStatus.CANCELLED, status(get(service.cancel("t-3", "no longer needed"))));
    assertEquals(2, stock("apple").available());
    OrderReply again = get(service.cancel("t-3", "twice"));
    assertEquals(Refusal.CONFLICT, assertInstanceOf(OrderReply.Refused.class, again).refusal());
    assertEquals(2, stock("apple").available());

    OrderReply unknown = get(service.pay("nope", 1));
    assertEquals(Refusal.NOT_FOUND, assertInstanceOf(OrderReply.Refused.class, unknown).refusal());
  }
}
