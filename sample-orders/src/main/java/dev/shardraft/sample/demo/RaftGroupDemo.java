package dev.shardraft.sample.demo;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.LocalKafka;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The Raft group demo ({@link RaftGroupRun}) as a program: uses the Kafka named by
 * {@value BootstrapServers#PROPERTY} or {@value BootstrapServers#ENVIRONMENT}, or starts a
 * one-node {@link LocalKafka} and removes it afterwards. Prints what happens and the closing line;
 * ends with an exception (non-zero exit) if any acknowledged command was lost or applied twice,
 * the replicas differ, or a step did not happen in time.
 */
public final class RaftGroupDemo {

  static final int CLIENTS = 8;
  static final int ORDERS_PER_CLIENT = 10;

  private RaftGroupDemo() {}

  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    Optional<String> configured =
        BootstrapServers.configured(System.getProperties(), System.getenv());
    LocalKafka localKafka = null;
    try {
      String bootstrapServers;
      if (configured.isPresent()) {
        bootstrapServers = configured.get();
        System.out.println("Using the Kafka at " + bootstrapServers);
      } else {
        System.out.println("No " + BootstrapServers.PROPERTY + " / " + BootstrapServers.ENVIRONMENT
            + " set: starting a local one-node Kafka ...");
        localKafka = LocalKafka.start(1);
        bootstrapServers = localKafka.bootstrapServers();
        System.out.println("Local Kafka " + bootstrapServers + " ready in "
            + localKafka.startupTime().toMillis() + " ms");
      }
      RaftGroupReport report = run(bootstrapServers);
      report.lines().forEach(System.out::println);
      if (!report.clean()) {
        throw new IllegalStateException("demo FAILED: " + report.lines().get(
            report.lines().size() - 1));
      }
    } finally {
      if (localKafka != null) {
        localKafka.close();
      }
    }
    System.out.println("Done in " + (System.nanoTime() - started) / 1_000_000 + " ms");
  }

  /** Runs the group demo against {@code bootstrapServers} in an actor system of its own. */
  static RaftGroupReport run(String bootstrapServers) throws Exception {
    // The projection's Transactional.source waits up to commit-timeout when it stops (see
    // docs/KAFKA-VERSIONS.md); 2 s keeps the demo short.
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "shardraft-demo",
        ConfigFactory.parseString("pekko.kafka.consumer.commit-timeout = 2s")
            .withFallback(ConfigFactory.load()));
    try {
      return new RaftGroupRun(system, KafkaSettings.forBootstrapServers(bootstrapServers),
          CLIENTS, ORDERS_PER_CLIENT, System.out::println).run();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
