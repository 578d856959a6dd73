package dev.shardraft.kafka.log;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.LocalKafka;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a Kafka test class of kafka-connector needs, started before its first test and stopped after
 * its last: a real {@link LocalKafka} cluster, {@link KafkaSettings} pointed at it (the defaults of
 * {@code reference.conf}) and a classic {@link ActorSystem} named after the class.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaFixture KAFKA = KafkaFixture.nodes(1);
 * ... new KafkaRaftLog(shard, KAFKA.settings(), KAFKA.system()) ...
 * }</pre>
 *
 * The field must be static: the fixture's lifetime is the test class.
 */
public final class KafkaFixture implements BeforeAllCallback, AfterAllCallback {

  private final LocalKafkaExtension kafka;
  private volatile ActorSystem system;
  private volatile KafkaSettings settings;

  private KafkaFixture(LocalKafkaExtension kafka) {
    this.kafka = kafka;
  }

  /** A cluster of {@code nodes} nodes with LocalKafka's defaults. */
  public static KafkaFixture nodes(int nodes) {
    return new KafkaFixture(LocalKafkaExtension.nodes(nodes));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    kafka.beforeAll(context);
    settings = KafkaSettings.forBootstrapServers(kafka.bootstrapServers());
    system = ActorSystem.create(context.getRequiredTestClass().getSimpleName());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    ActorSystem current = system;
    system = null;
    settings = null;
    try {
      if (current != null) {
        current.terminate();
        current
            .getWhenTerminated()
            .toCompletableFuture()
            .get(KafkaTestSupport.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      kafka.afterAll(context);
    }
  }

  /** The running cluster. */
  public LocalKafka kafka() {
    return kafka.kafka();
  }

  /** Shorthand for {@code kafka().bootstrapServers()}. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /**
   * A plain byte producer for the cluster (not transactional, not shardraft's format): for tests
   * that write foreign or corrupt records. The caller closes it.
   */
  public KafkaProducer<byte[], byte[]> plainProducer() {
    return new KafkaProducer<>(
        Map.of("bootstrap.servers", bootstrapServers()),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** The defaults of {@code reference.conf}, pointed at the cluster. */
  public KafkaSettings settings() {
    return running(settings);
  }

  /** The class's actor system. */
  public ActorSystem system() {
    return running(system);
  }

  private static <T> T running(T value) {
    if (value == null) {
      throw new IllegalStateException(
          "KafkaFixture is not running: register it on a static field with @RegisterExtension");
    }
    return value;
  }
}
