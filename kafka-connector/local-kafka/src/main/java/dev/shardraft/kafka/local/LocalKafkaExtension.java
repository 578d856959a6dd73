package dev.shardraft.kafka.local;

import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a JUnit 5 test class one real {@link LocalKafka} cluster, started before its first test and
 * closed after its last:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalKafkaExtension kafka = LocalKafkaExtension.nodes(3);
 * }</pre>
 *
 * The field must be static: the cluster's lifetime is the test class. It lives in main (with JUnit
 * as an optional dependency) so that tests of any module can use it without a test-jar.
 */
public final class LocalKafkaExtension implements BeforeAllCallback, AfterAllCallback {

  private final LocalKafka.Builder builder;
  private volatile LocalKafka kafka;

  private LocalKafkaExtension(LocalKafka.Builder builder) {
    this.builder = Objects.requireNonNull(builder);
  }

  /** A cluster of {@code nodes} nodes with LocalKafka's defaults. */
  public static LocalKafkaExtension nodes(int nodes) {
    return new LocalKafkaExtension(LocalKafka.builder().nodes(nodes));
  }

  /** A cluster configured by {@code builder}. */
  public static LocalKafkaExtension of(LocalKafka.Builder builder) {
    return new LocalKafkaExtension(builder);
  }

  /** The running cluster. */
  public LocalKafka kafka() {
    LocalKafka current = kafka;
    if (current == null) {
      throw new IllegalStateException(
          "LocalKafka is not running: register LocalKafkaExtension "
              + "on a static field with @RegisterExtension");
    }
    return current;
  }

  /** Shorthand for {@code kafka().bootstrapServers()}. */
  public String bootstrapServers() {
    return kafka().bootstrapServers();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    kafka = builder.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    LocalKafka current = kafka;
    kafka = null;
    if (current != null) {
      current.close();
    }
  }
}
