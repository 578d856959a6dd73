package dev.shardraft.sample.demo;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.config.KafkaSettings;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The Raft group demo's setup, run by {@link Demo#main}: an actor system of its own and a {@link
 * RaftGroupRun} of {@value #CLIENTS} clients with {@value #ORDERS_PER_CLIENT} orders each (three
 * commands per order), printing as it goes.
 */
public final class RaftGroupDemo {

  static final int CLIENTS = 8;
  static final int ORDERS_PER_CLIENT = 10;

  private RaftGroupDemo() {}

  /** Runs the group demo against {@code bootstrapServers} in an actor system of its own. */
  static RaftGroupReport run(String bootstrapServers) throws Exception {
    // The projection's Transactional.source waits up to commit-timeout when it stops (see
    // docs/KAFKA-VERSIONS.md); 2 s keeps the demo short.
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "shardraft-demo",
            ConfigFactory.parseString("pekko.kafka.consumer.commit-timeout = 2s")
                .withFallback(ConfigFactory.load()));
    try {
      return new RaftGroupRun(
              system,
              KafkaSettings.forBootstrapServers(bootstrapServers),
              CLIENTS,
              ORDERS_PER_CLIENT,
              System.out::println)
          .run();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
