package dev.shardraft.kafka.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.LocalKafka;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three real brokers whose transaction and offsets topics would be created with one replica: the
 * log's fencing and the projection's offsets would not survive one broker, so shardraft refuses to
 * create its topics there.
 */
class UnsafeInternalTopicsTest {

  @RegisterExtension
  static final LocalKafkaExtension KAFKA =
      LocalKafkaExtension.of(
          LocalKafka.builder()
              .nodes(3)
              .brokerProperty("transaction.state.log.replication.factor", "1")
              .brokerProperty("transaction.state.log.min.isr", "1")
              .brokerProperty("offsets.topic.replication.factor", "1"));

  private KafkaSettings settings(String extra) {
    return KafkaSettings.fromConfig(
        ConfigFactory.parseString(
            "shardraft.kafka.bootstrap-servers = \"" + KAFKA.bootstrapServers() + "\"\n" + extra));
  }

  @Test
  void refusesToCreateShardTopicsOnWeakInternalTopics() {
    try (TopicAdmin admin = new TopicAdmin(settings(""))) {
      List<TopicCheck.Internal> internal = admin.describeInternalTopics();
      TopicCheck.Internal txn =
          internal.stream()
              .filter(t -> t.topic().equals("__transaction_state"))
              .findFirst()
              .orElseThrow();
      assertEquals(1, txn.replicationFactor(), internal.toString());
      UnsafeTopicException e =
          assertThrows(UnsafeTopicException.class, () -> admin.ensureShardTopics("weak-0"));
      assertTrue(
          e.getMessage().contains("__transaction_state")
              && e.getMessage().contains("replication factor 1 < 3"),
          e.getMessage());
      assertTrue(e.getMessage().contains("__consumer_offsets"), e.getMessage());
    }
    try (TopicAdmin lenient =
        new TopicAdmin(settings("shardraft.kafka.topics.allow-unsafe-topics = on"))) {
      lenient.ensureShardTopics("weak-0");
      assertFalse(lenient.describe("raft-log-weak-0").uncleanLeaderElection());
    }
  }
}
