package dev.shardraft.kafka.admin;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.config.Retries;
import dev.shardraft.kafka.config.TopicNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates shardraft's topics on demand and checks existing ones ({@link TopicCheck}).
 *
 * <ul>
 *   <li>{@code raft-log-<shard>}: 1 partition, {@code cleanup.policy=delete} with unlimited
 *       retention (only {@code deleteRecords} after a snapshot removes entries);
 *   <li>{@code raft-snapshot-<shard>}: 1 partition, compacted, {@code max.message.bytes} from
 *       {@code topics.snapshot-max-message-bytes};
 *   <li>{@code raft-meta}: 1 partition, compacted;
 *   <li>an events topic of the projection: 1 partition (events stay in order per shard).
 * </ul>
 *
 * <p>Replication factor and {@code min.insync.replicas} come from {@code shardraft.kafka.topics}
 * ("auto": 3 and 2 on a cluster of 3+ brokers, 1 and 1 otherwise). An existing topic that fails the
 * check makes {@link #ensureShardTopics} throw {@link UnsafeTopicException}, unless {@code
 * allow-unsafe-topics = on}, in which case each problem is logged as a WARN.
 */
public final class TopicAdmin implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  private static final String TRANSACTION_STATE = "__transaction_state";
  private static final String CONSUMER_OFFSETS = "__consumer_offsets";

  private final KafkaSettings settings;
  private final Admin admin;
  // A node creates or checks the topics of many shards with one admin: Kafka's own topics once.
  private volatile boolean internalTopicsChecked;

  public TopicAdmin(KafkaSettings settings) {
    this.settings = settings;
    this.admin = Admin.create(settings.adminProperties());
  }

  /**
   * Creates or checks the log and snapshot topics of {@code shard} and {@code raft-meta}, and on a
   * cluster of 3+ brokers checks the durability of Kafka's own transaction and offsets topics.
   */
  public void ensureShardTopics(String shard) {
    int brokers = brokerCount();
    checkInternalTopics(brokers);
    ensure(
        TopicNames.log(shard),
        TopicCheck.Kind.LOG,
        brokers,
        Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, "-1",
            TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
    ensure(
        TopicNames.snapshot(shard),
        TopicCheck.Kind.SNAPSHOT,
        brokers,
        Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            Integer.toString(settings.topics().snapshotMaxMessageBytes())));
    ensureMetaTopic(brokers);
  }

  /** Creates or checks {@code raft-meta}. */
  public void ensureMetaTopic() {
    ensureMetaTopic(brokerCount());
  }

  /** Creates or checks a projection's events topic (one partition). */
  public void ensureEventsTopic(String topic) {
    ensure(topic, TopicCheck.Kind.EVENTS, brokerCount(), Map.of());
  }

  private void ensureMetaTopic(int brokers) {
    ensure(
        TopicNames.META,
        TopicCheck.Kind.META,
        brokers,
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }

  /** The number of brokers the cluster reports now. */
  public int brokerCount() {
    return call(
        "describing the cluster",
        () -> admin.describeCluster().nodes().get(timeoutMs(), TimeUnit.MILLISECONDS).size());
  }

  private void ensure(
      String topic, TopicCheck.Kind kind, int brokers, Map<String, String> configs) {
    int rf = settings.topics().replicationFactorFor(brokers);
    int minIsr = settings.topics().minInsyncReplicasFor(brokers);
    Map<String, String> all = new LinkedHashMap<>(configs);
    all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minIsr));
    NewTopic newTopic = new NewTopic(topic, 1, (short) rf).configs(all);
    boolean created =
        call(
            "creating topic " + topic,
            () -> {
              try {
                admin.createTopics(List.of(newTopic)).all().get(timeoutMs(), TimeUnit.MILLISECONDS);
                return true;
              } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                  return false;
                }
                throw e;
              }
            });
    if (created) {
      LOG.info(
          "Created topic {} (replication factor {}, min.insync.replicas {}, {})",
          topic,
          rf,
          minIsr,
          configs);
      return;
    }
    refuseOrWarn(TopicCheck.problems(topic, kind, describe(topic), brokers));
  }

  /**
   * Refuses to go on if {@code __transaction_state} or {@code __consumer_offsets} is (or will be
   * created) less durable than shardraft's own topics; see {@link TopicCheck#internalProblems}.
   */
  public void checkInternalTopics(int brokers) {
    if (brokers < 3 || internalTopicsChecked) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (TopicCheck.Internal t : describeInternalTopics()) {
      problems.addAll(TopicCheck.internalProblems(t, brokers));
    }
    refuseOrWarn(problems);
    internalTopicsChecked = true;
  }

  /** How {@code __transaction_state} and {@code __consumer_offsets} are, or will be, replicated. */
  public List<TopicCheck.Internal> describeInternalTopics() {
    Set<String> existing =
        call(
            "listing internal topics",
            () ->
                admin
                    .listTopics(new ListTopicsOptions().listInternal(true))
                    .names()
                    .get(timeoutMs(), TimeUnit.MILLISECONDS));
    Config broker = null;
    List<TopicCheck.Internal> topics = new ArrayList<>();
    for (String topic : List.of(TRANSACTION_STATE, CONSUMER_OFFSETS)) {
      if (existing.contains(topic)) {
        TopicCheck.Observed o = describe(topic);
        topics.add(
            new TopicCheck.Internal(topic, true, o.replicationFactor(), o.minInsyncReplicas()));
        continue;
      }
      if (broker == null) {
        broker = describeBroker();
      }
      boolean txn = topic.equals(TRANSACTION_STATE);
      topics.add(
          new TopicCheck.Internal(
              topic,
              false,
              Integer.parseInt(
                  value(
                      broker,
                      txn
                          ? "transaction.state.log.replication.factor"
                          : "offsets.topic.replication.factor",
                      "3")),
              Integer.parseInt(
                  value(
                      broker,
                      txn
                          ? "transaction.state.log.min.isr"
                          : TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                      "1"))));
    }
    return topics;
  }

  private Config describeBroker() {
    String id =
        call(
            "describing the cluster",
            () ->
                Integer.toString(
                    admin
                        .describeCluster()
                        .nodes()
                        .get(timeoutMs(), TimeUnit.MILLISECONDS)
                        .iterator()
                        .next()
                        .id()));
    return describeConfig(new ConfigResource(ConfigResource.Type.BROKER, id), "broker " + id);
  }

  private Config describeConfig(ConfigResource resource, String what) {
    return call(
        "describing the configuration of " + what,
        () ->
            admin
                .describeConfigs(List.of(resource))
                .all()
                .get(timeoutMs(), TimeUnit.MILLISECONDS)
                .get(resource));
  }

  private void refuseOrWarn(List<String> problems) {
    if (problems.isEmpty()) {
      return;
    }
    if (settings.topics().allowUnsafeTopics()) {
      problems.forEach(p -> LOG.warn("Unsafe topic (allowed by allow-unsafe-topics): {}", p));
      return;
    }
    throw new UnsafeTopicException(
        "refusing to run on unsafe topic(s) (set "
            + KafkaSettings.PATH
            + ".topics.allow-unsafe-topics = on to override): "
            + String.join("; ", problems));
  }

  /** What the cluster reports about an existing topic. */
  public TopicCheck.Observed describe(String topic) {
    TopicDescription description =
        call(
            "describing topic " + topic,
            () ->
                admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(timeoutMs(), TimeUnit.MILLISECONDS)
                    .get(topic));
    Config config =
        describeConfig(new ConfigResource(ConfigResource.Type.TOPIC, topic), "topic " + topic);
    return new TopicCheck.Observed(
        description.partitions().size(),
        description.partitions().get(0).replicas().size(),
        Integer.parseInt(value(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1")),
        value(config, TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE),
        Long.parseLong(value(config, TopicConfig.RETENTION_MS_CONFIG, "604800000")),
        Long.parseLong(value(config, TopicConfig.RETENTION_BYTES_CONFIG, "-1")),
        Boolean.parseBoolean(
            value(config, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false")));
  }

  private static String value(Config config, String name, String fallback) {
    ConfigEntry entry = config.get(name);
    return entry == null || entry.value() == null ? fallback : entry.value();
  }

  private <T> T call(String operation, Retries.Call<T> call) {
    return Retries.withBackoff(operation, settings.retry(), call);
  }

  private long timeoutMs() {
    return settings.operationTimeout().toMillis();
  }

  @Override
  public void close() {
    admin.close(settings.operationTimeout());
  }
}
