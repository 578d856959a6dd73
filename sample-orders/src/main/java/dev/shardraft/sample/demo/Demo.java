package dev.shardraft.sample.demo;

import dev.shardraft.kafka.local.LocalKafka;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's main class: the Raft group demo ({@link RaftGroupDemo}, see docs/DEMO.md). Uses the
 * Kafka named by {@value BootstrapServers#PROPERTY} or {@value BootstrapServers#ENVIRONMENT}; when
 * neither is set, starts a one-node LocalKafka and removes it afterwards. Prints what happens and
 * the closing line, and exits 0; a lost or twice-applied command, differing replicas, a step that
 * does not happen in time, or any other failure ends it with an exception (non-zero exit).
 */
public final class Demo {

  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

  private Demo() {}

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
        System.out.println(
            "No "
                + BootstrapServers.PROPERTY
                + " / "
                + BootstrapServers.ENVIRONMENT
                + " set: starting a local one-node Kafka ...");
        localKafka = LocalKafka.start(1);
        bootstrapServers = localKafka.bootstrapServers();
        System.out.println(
            "Local Kafka "
                + bootstrapServers
                + " ready in "
                + localKafka.startupTime().toMillis()
                + " ms");
      }
      RaftGroupReport report = RaftGroupDemo.run(bootstrapServers);
      report.lines().forEach(System.out::println);
      if (!report.clean()) {
        throw new IllegalStateException(
            "demo FAILED: " + report.lines().get(report.lines().size() - 1));
      }
    } finally {
      if (localKafka != null) {
        localKafka.close();
        LOG.info("Local Kafka stopped and removed");
      }
    }
    System.out.println("Done in " + (System.nanoTime() - started) / 1_000_000 + " ms");
  }
}
