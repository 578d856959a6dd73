package dev.shardraft.kafka.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TopicAdmin} against one real broker. */
class TopicAdminTest {

  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(1);

  private KafkaSettings settings(String extra) {
    return KafkaSettings.fromConfig(
        ConfigFactory.parseString(
            "shardraft.kafka.bootstrap-servers = \"" + KAFKA.bootstrapServers() + "\"\n" + extra));
  }

  private void createRaw(String topic, int partitions, Map<String, String> configs)
      throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void createsTheShardTopicsWithSafeSettingsAndAcceptsThemAgain() {
    try (TopicAdmin admin = new TopicAdmin(settings(""))) {
      admin.ensureShardTopics("created-0");
      admin.ensureShardTopics("created-0");
      TopicCheck.Observed log = admin.describe(TopicNames.log("created-0"));
      assertEquals(new TopicCheck.Observed(1, 1, 1, "delete", -1, -1), log);
      TopicCheck.Observed snapshot = admin.describe(TopicNames.snapshot("created-0"));
      assertEquals("compact", snapshot.cleanupPolicy());
      assertEquals("compact", admin.describe(TopicNames.META).cleanupPolicy());
      assertEquals(1, admin.brokerCount());
    }
  }

  @Test
  void refusesAnExistingLogTopicWithSeveralPartitionsUnlessAllowed() throws Exception {
    createRaw(TopicNames.log("split-0"), 3, Map.of("retention.ms", "-1"));
    try (TopicAdmin admin = new TopicAdmin(settings(""))) {
      UnsafeTopicException e =
          assertThrows(UnsafeTopicException.class, () -> admin.ensureShardTopics("split-0"));
      assertTrue(
          e.getMessage().contains("3 partitions, a log topic needs exactly 1"), e.getMessage());
      assertTrue(e.getMessage().contains("allow-unsafe-topics = on"), e.getMessage());
    }
    try (TopicAdmin lenient =
        new TopicAdmin(settings("shardraft.kafka.topics.allow-unsafe-topics = on"))) {
      lenient.ensureShardTopics("split-0");
    }
  }

  @Test
  void refusesACompactedLogTopic() throws Exception {
    createRaw(TopicNames.log("compacted-0"), 1, Map.of("cleanup.policy", "compact"));
    try (TopicAdmin admin = new TopicAdmin(settings(""))) {
      UnsafeTopicException e =
          assertThrows(UnsafeTopicException.class, () -> admin.ensureShardTopics("compacted-0"));
      assertTrue(e.getMessage().contains("would compact the log"), e.getMessage());
    }
  }

  @Test
  void refusesALogTopicWithUncleanLeaderElection() throws Exception {
    createRaw(
        TopicNames.log("unclean-0"),
        1,
        Map.of("retention.ms", "-1", "unclean.leader.election.enable", "true"));
    try (TopicAdmin admin = new TopicAdmin(settings(""))) {
      assertTrue(admin.describe(TopicNames.log("unclean-0")).uncleanLeaderElection());
      UnsafeTopicException e =
          assertThrows(UnsafeTopicException.class, () -> admin.ensureShardTopics("unclean-0"));
      assertTrue(e.getMessage().contains("unclean.leader.election.enable=true"), e.getMessage());
    }
  }

  @Test
  void internalTopicsAreNotCheckedOnOneBroker() {
    try (TopicAdmin admin = new TopicAdmin(settings(""))) {
      admin.checkInternalTopics(admin.brokerCount());
      assertEquals(2, admin.describeInternalTopics().size());
    }
  }
}
