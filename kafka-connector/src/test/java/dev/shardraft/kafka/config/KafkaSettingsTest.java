package dev.shardraft.kafka.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

  private static KafkaSettings parse(String hocon) {
    return KafkaSettings.fromConfig(ConfigFactory.parseString(hocon));
  }

  @Test
  void defaultsComeFromReferenceConf() {
    KafkaSettings s = KafkaSettings.forBootstrapServers("h1:9092,h2:9092");
    assertEquals("h1:9092,h2:9092", s.bootstrapServers());
    assertEquals(3, s.topics().replicationFactorFor(3));
    assertEquals(2, s.topics().minInsyncReplicasFor(5));
    assertEquals(1, s.topics().replicationFactorFor(1));
    assertEquals(1, s.topics().minInsyncReplicasFor(1));
    assertFalse(s.topics().allowUnsafeTopics());
    assertEquals(5, s.writer().openAttempts());
    assertEquals(16 * 1024 * 1024, s.topics().snapshotMaxMessageBytes());
    assertEquals(Duration.ofSeconds(10), s.metaTransactionTimeout());
  }

  @Test
  void clientPropertiesPassThroughToEveryRoleWithRoleOverrides() {
    KafkaSettings s =
        parse(
            """
        shardraft.kafka {
          bootstrap-servers = "b:9093"
          client {
            security.protocol = SASL_SSL
            "sasl.jaas.config" = "org.apache.kafka.common.security.plain.PlainLoginModule required;"
            compression.type = lz4
          }
          producer { linger.ms = 5, batch.size = 65536, compression.type = zstd }
          consumer { max.poll.records = 100 }
          admin { request.timeout.ms = 7000 }
        }
        """);
    Map<String, Object> producer = s.producerProperties("shardraft-orders-0");
    assertEquals("b:9093", producer.get("bootstrap.servers"));
    assertEquals("SASL_SSL", producer.get("security.protocol"));
    assertEquals(
        "org.apache.kafka.common.security.plain.PlainLoginModule required;",
        producer.get("sasl.jaas.config"));
    assertEquals("zstd", producer.get("compression.type"), "role block overrides client block");
    assertEquals("5", producer.get("linger.ms"));
    assertEquals("65536", producer.get("batch.size"));
    assertEquals("all", producer.get("acks"));
    assertEquals("true", producer.get("enable.idempotence"));
    assertEquals("shardraft-orders-0", producer.get("transactional.id"));

    Map<String, Object> consumer = s.consumerProperties(null);
    assertEquals("SASL_SSL", consumer.get("security.protocol"));
    assertEquals("lz4", consumer.get("compression.type"));
    assertEquals("100", consumer.get("max.poll.records"));
    assertEquals("read_committed", consumer.get("isolation.level"));
    assertEquals("false", consumer.get("enable.auto.commit"));
    assertFalse(consumer.containsKey("group.id"));
    assertFalse(consumer.containsKey("linger.ms"), "producer overrides stay with producers");
    assertEquals("g", s.consumerProperties("g").get("group.id"));

    Map<String, Object> admin = s.adminProperties();
    assertEquals("SASL_SSL", admin.get("security.protocol"));
    assertEquals("7000", admin.get("request.timeout.ms"));
    assertFalse(admin.containsKey("max.poll.records"));
  }

  @Test
  void safeValuesOfOwnedPropertiesAreAccepted() {
    KafkaSettings s =
        parse(
            "shardraft.kafka.producer { acks = -1, enable.idempotence = true }\n"
                + "shardraft.kafka.consumer { isolation.level = read_committed, enable.auto.commit = false }");
    assertEquals("all", s.producerProperties(null).get("acks"));
  }

  @Test
  void unsafeOrOwnedPropertiesAreRefusedWithTheirPath() {
    assertRefused(
        "shardraft.kafka.producer.acks = 1", "shardraft.kafka.producer.acks = 1 is unsafe");
    assertRefused(
        "shardraft.kafka.client.enable.idempotence = false",
        "enable.idempotence = false is unsafe");
    assertRefused(
        "shardraft.kafka.consumer.isolation.level = read_uncommitted",
        "isolation.level = read_uncommitted is unsafe");
    assertRefused(
        "shardraft.kafka.consumer.enable.auto.commit = true",
        "enable.auto.commit = true is unsafe");
    assertRefused(
        "shardraft.kafka.producer.transactional.id = mine",
        "transactional.id is owned by shardraft");
    assertRefused("shardraft.kafka.consumer.group.id = mine", "group.id is owned by shardraft");
    assertRefused(
        "shardraft.kafka.client.bootstrap.servers = x", "use shardraft.kafka.bootstrap-servers");
    assertRefused("shardraft.kafka.producer.key.serializer = x", "key.serializer is owned");
    assertRefused("shardraft.kafka.client.ssl.cipher.suites = [a, b]", "must be a plain value");
    assertRefused(
        "shardraft.kafka.topics.replication-factor = 0", "replication-factor must be >= 1");
    assertRefused("shardraft.kafka.writer.open-attempts = 0", "shardraft.kafka.writer");
    assertRefused("shardraft.kafka.bootstrap-servers = \"\"", "must not be empty");
    assertRefused(
        "shardraft.kafka.meta.transaction-timeout = 0s",
        "shardraft.kafka.meta.transaction-timeout must be between 1ms and 15min");
    assertRefused("shardraft.kafka.retry.attempts = nope", "invalid shardraft.kafka configuration");
  }

  @Test
  void fixedReplicationSettingsOverrideAuto() {
    KafkaSettings s =
        parse(
            "shardraft.kafka.topics { replication-factor = 2, min-insync-replicas = 1, allow-unsafe-topics = on }");
    assertEquals(2, s.topics().replicationFactorFor(5));
    assertEquals(1, s.topics().minInsyncReplicasFor(5));
    assertTrue(s.topics().allowUnsafeTopics());
  }

  @Test
  void backoffDoublesUpToItsCap() {
    RetrySettings r = new RetrySettings(5, Duration.ofMillis(100), Duration.ofMillis(350));
    assertEquals(Duration.ofMillis(100), r.backoffAfter(1));
    assertEquals(Duration.ofMillis(200), r.backoffAfter(2));
    assertEquals(Duration.ofMillis(350), r.backoffAfter(3));
    assertEquals(Duration.ofMillis(350), r.backoffAfter(40));
  }

  private static void assertRefused(String hocon, String messagePart) {
    KafkaSettingsException e =
        assertThrows(KafkaSettingsException.class, () -> parse(hocon), hocon);
    assertTrue(
        e.getMessage().contains(messagePart),
        "'" + e.getMessage() + "' should contain '" + messagePart + "'");
  }
}
