package dev.shardraft.sample.shop.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.runtime.RaftGroups;
import dev.shardraft.runtime.ShardedRaft;
import dev.shardraft.sample.shop.check.ShopInvariants;
import dev.shardraft.sample.shop.inventory.InventoryCommand;
import dev.shardraft.sample.shop.inventory.InventoryReply;
import dev.shardraft.sample.shop.inventory.InventoryStateMachine;
import dev.shardraft.sample.shop.orders.OrderCommand;
import dev.shardraft.sample.shop.orders.OrderReply;
import dev.shardraft.sample.shop.orders.OrdersStateMachine;
import dev.shardraft.sample.shop.saga.OrderSaga;
import dev.shardraft.sample.shop.saga.Projections;
import dev.shardraft.sample.shop.saga.SagaSteps;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * One shop node per JVM: a Pekko Cluster member hosting replicas of the {@code orders} and {@code
 * inventory} families, with the HTTP API, {@code /status}, {@code /metrics} and the status page.
 *
 * <p>Settings: {@code shop-node.conf} ({@code shop.node.*}, every key documented there, each also
 * read from an environment variable), overridden by arguments, each one HOCON line such as {@code
 * shop.node.http-port=8081}. Prints {@code READY <name> http <port>} once the API listens. SIGTERM
 * runs Pekko's coordinated shutdown: the HTTP port closes, the replicas are handed off (leaders
 * hand leadership to a peer first), the node leaves the cluster and the JVM exits.
 */
public final class OrdersNode {
  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final ShardedRaft<OrderCommand, OrderReply> orders;
  private final ShardedRaft<InventoryCommand, InventoryReply> inventory;
  private final Optional<OrderSaga> saga;

  private OrdersNode(
      ActorSystem<Void> system,
      ServerBinding binding,
      ShardedRaft<OrderCommand, OrderReply> orders,
      ShardedRaft<InventoryCommand, InventoryReply> inventory,
      Optional<OrderSaga> saga) {
    this.system = system;
    this.binding = binding;
    this.orders = orders;
    this.inventory = inventory;
    this.saga = saga;
  }

  public static void main(String[] args) throws Exception {
    OrdersNode node = start(config(args));
    System.out.println("READY " + node.settings().name() + " http " + node.httpPort());
  }

  /** The node's configuration: the arguments, then shop-node.conf, then reference.conf. */
  public static Config config(String... overrides) {
    Config args = ConfigFactory.empty();
    for (String a : overrides) {
      args = ConfigFactory.parseString(a).withFallback(args);
    }
    return args.withFallback(ConfigFactory.parseResourcesAnySyntax("shop-node"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** Starts a node from {@code config} (see {@link #config}) and waits until its API listens. */
  public static OrdersNode start(Config config) throws Exception {
    ShopNodeSettings s = ShopNodeSettings.fromConfig(config);
    List<String> seeds = new ArrayList<>();
    for (String seed : s.seeds()) {
      seeds.add("\"pekko://shop@" + seed + "\"");
    }
    Config cluster =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "pekko.remote.artery.canonical.port = " + s.arteryPort(),
                    "pekko.cluster.seed-nodes = [" + String.join(",", seeds) + "]",
                    "shardraft.runtime.default-replicas = " + s.replicas()))
            .withFallback(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "shop", cluster);
    try {
      if (seeds.isEmpty()) {
        Cluster c = Cluster.get(system);
        c.manager().tell(Join.create(c.selfMember().address()));
      }
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ShardedRaft<OrderCommand, OrderReply> orders =
          ShardedRaft.init(
              system,
              RaftGroups.of("orders", s.ordersGroups(), OrdersStateMachine::new)
                  .withReplicas(s.replicas()),
              metrics);
      ShardedRaft<InventoryCommand, InventoryReply> inventory =
          ShardedRaft.init(
              system,
              RaftGroups.of("inventory", s.inventoryGroups(), InventoryStateMachine::new)
                  .withReplicas(s.replicas()),
              metrics);
      ShopStatus status =
          new ShopStatus(s.name(), system, List.of(orders, inventory), Duration.ofSeconds(2));
      KafkaSettings kafka = KafkaSettings.fromConfig(system.settings().config());
      try (TopicAdmin admin = new TopicAdmin(kafka)) {
        admin.ensureEventsTopic(s.eventsTopic());
      }
      Optional<OrderSaga> saga = Optional.empty();
      if (s.saga()) {
        Projections.init(
            system,
            "shop-orders-projections",
            orders.groups().groups(),
            s.eventsTopic(),
            OrdersStateMachine::new,
            system.settings().config().getLong("shardraft.replica.session-expiry-positions"),
            kafka,
            Duration.ofSeconds(1));
        OrderSaga running =
            new OrderSaga(
                    new SagaSteps(orders, inventory, s.askTimeout()),
                    s.eventsTopic(),
                    kafka,
                    system,
                    Duration.ofMillis(200),
                    metrics)
                .start();
        CoordinatedShutdown.get(system)
            .addTask(
                CoordinatedShutdown.PhaseServiceStop(),
                "shop-saga-stop",
                () -> running.stop().thenApply(x -> Done.getInstance()));
        saga = Optional.of(running);
      }
      ShopRoutes routes =
          new ShopRoutes(
              orders,
              inventory,
              status,
              metrics,
              s.askTimeout(),
              system,
              s.placeWait(),
              new ShopInvariants(
                  orders, inventory, kafka, s.eventsTopic(), OrderSaga.GROUP, s.askTimeout()));
      ServerBinding binding =
          Http.get(system)
              .newServerAt(s.httpHost(), s.httpPort())
              .bind(routes.routes())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      CoordinatedShutdown.get(system)
          .addTask(
              CoordinatedShutdown.PhaseServiceUnbind(),
              "shop-http-unbind",
              () -> binding.unbind().thenApply(x -> Done.getInstance()));
      return new OrdersNode(system, binding, orders, inventory, saga);
    } catch (Exception | Error e) {
      system.terminate();
      throw e;
    }
  }

  public int httpPort() {
    return binding.localAddress().getPort();
  }

  public ShopNodeSettings settings() {
    return ShopNodeSettings.fromConfig(system.settings().config());
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public ShardedRaft<OrderCommand, OrderReply> orders() {
    return orders;
  }

  public ShardedRaft<InventoryCommand, InventoryReply> inventory() {
    return inventory;
  }

  /** This node's saga consumer, unless {@code shop.node.saga = off}. */
  public Optional<OrderSaga> saga() {
    return saga;
  }

  /** Runs coordinated shutdown (as SIGTERM does) and waits for the system to end. */
  public void stop(Duration timeout) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
