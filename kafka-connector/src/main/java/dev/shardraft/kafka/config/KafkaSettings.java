package dev.shardraft.kafka.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerSettings;

/**
 * The {@code shardraft.kafka} configuration (see {@code reference.conf} of kafka-connector) and the
 * one place that builds Kafka client properties.
 *
 * <p>Every client gets {@code bootstrap-servers}, then the {@code client} block, then its role's
 * block ({@code producer}, {@code consumer}, {@code admin}), then the properties shardraft owns.
 * Owned properties may appear in the configuration only with their safe value (acks {@code all},
 * {@code enable.idempotence=true}, {@code isolation.level=read_committed}, {@code
 * enable.auto.commit=false}); {@code transactional.id}, {@code group.id}, serializers and {@code
 * bootstrap.servers} may not appear at all. Anything else is refused with a {@link
 * KafkaSettingsException} when the settings are read, never later.
 */
public final class KafkaSettings {

  /** The configuration path this class reads. */
  public static final String PATH = "shardraft.kafka";

  private static final Set<String> FORBIDDEN_EVERYWHERE =
      Set.of(
          CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
          ProducerConfig.TRANSACTIONAL_ID_CONFIG,
          ConsumerConfig.GROUP_ID_CONFIG,
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

  /** Owned properties that may be configured, but only to one of these values. */
  private static final Map<String, Set<String>> SAFE_VALUES =
      Map.of(
          ProducerConfig.ACKS_CONFIG, Set.of("all", "-1"),
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Set.of("true"),
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, Set.of("read_committed"),
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, Set.of("false"));

  private final String bootstrapServers;
  private final Map<String, String> client;
  private final Map<ClientRole, Map<String, String>> roleOverrides;
  private final TopicSettings topics;
  private final WriterSettings writer;
  private final RetrySettings retry;
  private final Duration operationTimeout;
  private final Duration metaIdleProducerClose;
  private final int metaStoreThreads;
  private final Duration metaTransactionTimeout;

  private KafkaSettings(Config kafka) {
    this.bootstrapServers = kafka.getString("bootstrap-servers");
    if (bootstrapServers.isBlank()) {
      throw new KafkaSettingsException(PATH + ".bootstrap-servers must not be empty");
    }
    this.client = properties(kafka, "client");
    Map<ClientRole, Map<String, String>> roles = new LinkedHashMap<>();
    for (ClientRole role : ClientRole.values()) {
      roles.put(role, properties(kafka, role.configBlock()));
    }
    this.roleOverrides = Collections.unmodifiableMap(roles);
    Config t = kafka.getConfig("topics");
    this.topics =
        new TopicSettings(
            autoOrInt(t, "replication-factor"),
            autoOrInt(t, "min-insync-replicas"),
            t.getBoolean("allow-unsafe-topics"),
            t.getBytes("snapshot-max-message-bytes").intValue());
    Config w = kafka.getConfig("writer");
    this.writer = new WriterSettings(w.getInt("open-attempts"));
    Config r = kafka.getConfig("retry");
    this.retry =
        new RetrySettings(
            r.getInt("attempts"), r.getDuration("min-backoff"), r.getDuration("max-backoff"));
    this.operationTimeout = kafka.getDuration("operation-timeout");
    this.metaIdleProducerClose = kafka.getDuration("meta.idle-producer-close");
    if (metaIdleProducerClose.isNegative()) {
      throw new KafkaSettingsException(
          PATH + ".meta.idle-producer-close must be at least 0, was " + metaIdleProducerClose);
    }
    this.metaTransactionTimeout = kafka.getDuration("meta.transaction-timeout");
    if (metaTransactionTimeout.toMillis() < 1 || metaTransactionTimeout.toMillis() > 900_000) {
      throw new KafkaSettingsException(
          PATH
              + ".meta.transaction-timeout must be between 1ms and 15min (the broker's default"
              + " transaction.max.timeout.ms), was "
              + metaTransactionTimeout);
    }
    this.metaStoreThreads = kafka.getInt("meta.store-threads");
    if (metaStoreThreads < 1) {
      throw new KafkaSettingsException(
          PATH + ".meta.store-threads must be at least 1, was " + metaStoreThreads);
    }
  }

  /**
   * Reads {@code shardraft.kafka} from {@code root}, falling back to kafka-connector's {@code
   * reference.conf} for anything missing.
   *
   * @throws KafkaSettingsException for a missing, mistyped or unsafe setting
   */
  public static KafkaSettings fromConfig(Config root) {
    Config resolved = root.withFallback(ConfigFactory.defaultReference()).resolve();
    try {
      return new KafkaSettings(resolved.getConfig(PATH));
    } catch (ConfigException e) {
      throw new KafkaSettingsException("invalid " + PATH + " configuration: " + e.getMessage(), e);
    }
  }

  /** The defaults of {@code reference.conf}, pointed at {@code bootstrapServers}. */
  public static KafkaSettings forBootstrapServers(String bootstrapServers) {
    return fromConfig(
        ConfigFactory.parseMap(Map.of(PATH + ".bootstrap-servers", bootstrapServers)));
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public TopicSettings topics() {
    return topics;
  }

  public WriterSettings writer() {
    return writer;
  }

  public RetrySettings retry() {
    return retry;
  }

  public Duration operationTimeout() {
    return operationTimeout;
  }

  /**
   * How long a replica's raft-meta fencing producer may stay unused before it is closed ({@code
   * meta.idle-producer-close}); zero: never.
   */
  public Duration metaIdleProducerClose() {
    return metaIdleProducerClose;
  }

  /**
   * The {@code transaction.timeout.ms} of the raft-meta producers ({@code
   * meta.transaction-timeout}): how long a meta transaction left open by a process that died can
   * hold back the raft-meta reads of every node (which read through the high watermark), at most,
   * plus the broker's check interval for timed-out transactions.
   */
  public Duration metaTransactionTimeout() {
    return metaTransactionTimeout;
  }

  /**
   * How many stores (each a thread, a raft-meta reader and its share of the replicas' fencing
   * producers) a node's {@code StripedMetaStore} runs ({@code meta.store-threads}).
   */
  public int metaStoreThreads() {
    return metaStoreThreads;
  }

  /**
   * Properties of an idempotent, {@code acks=all} producer of byte arrays; transactional when
   * {@code transactionalId} is non-null.
   */
  public Map<String, Object> producerProperties(String transactionalId) {
    Map<String, Object> props = base(ClientRole.PRODUCER);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    if (transactionalId != null) {
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return props;
  }

  /**
   * Properties of a {@code read_committed}, never auto-committing consumer of byte arrays; in
   * consumer group {@code groupId} when non-null, else without a group (manual assignment only).
   */
  public Map<String, Object> consumerProperties(String groupId) {
    Map<String, Object> props = base(ClientRole.CONSUMER);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    if (groupId != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    return props;
  }

  /** Properties of an admin client. */
  public Map<String, Object> adminProperties() {
    return base(ClientRole.ADMIN);
  }

  /** Pekko Connectors consumer settings with {@link #consumerProperties} applied. */
  public ConsumerSettings<byte[], byte[]> consumerSettings(
      ClassicActorSystemProvider system, String groupId) {
    ConsumerSettings<byte[], byte[]> settings =
        ConsumerSettings.create(system, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Map<String, Object> props = consumerProperties(groupId);
    props.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
    props.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    return settings.withProperties(asStrings(props));
  }

  /** Pekko Connectors producer settings with {@link #producerProperties} (no transactional id). */
  public ProducerSettings<byte[], byte[]> producerSettings(ClassicActorSystemProvider system) {
    ProducerSettings<byte[], byte[]> settings =
        ProducerSettings.create(system, new ByteArraySerializer(), new ByteArraySerializer());
    Map<String, Object> props = producerProperties(null);
    props.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
    props.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
    return settings.withProperties(asStrings(props));
  }

  private Map<String, Object> base(ClientRole role) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.putAll(client);
    props.putAll(roleOverrides.get(role));
    return props;
  }

  private static Map<String, String> asStrings(Map<String, Object> props) {
    Map<String, String> strings = new LinkedHashMap<>();
    props.forEach((k, v) -> strings.put(k, String.valueOf(v)));
    return strings;
  }

  private static Map<String, String> properties(Config kafka, String block) {
    Map<String, String> props = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : kafka.getConfig(block).entrySet()) {
      String key = unquote(e.getKey());
      ConfigValue value = e.getValue();
      if (value.valueType() == ConfigValueType.LIST
          || value.valueType() == ConfigValueType.OBJECT) {
        throw new KafkaSettingsException(
            PATH + "." + block + "." + key + " must be a plain value (string, number or boolean)");
      }
      String text = String.valueOf(value.unwrapped());
      check(block, key, text);
      props.put(key, text);
    }
    return Collections.unmodifiableMap(props);
  }

  private static void check(String block, String key, String value) {
    String where = PATH + "." + block + "." + key;
    if (FORBIDDEN_EVERYWHERE.contains(key)) {
      throw new KafkaSettingsException(
          where
              + " is owned by shardraft and cannot be configured"
              + (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                  ? " (use " + PATH + ".bootstrap-servers)"
                  : ""));
    }
    Set<String> safe = SAFE_VALUES.get(key);
    if (safe != null && !safe.contains(value.trim().toLowerCase(java.util.Locale.ROOT))) {
      throw new KafkaSettingsException(
          where
              + " = "
              + value
              + " is unsafe: shardraft needs "
              + List.copyOf(safe)
              + " for exactly-once, durable, fenced writes");
    }
  }

  private static String unquote(String key) {
    return key.replace("\"", "");
  }

  private static OptionalInt autoOrInt(Config config, String key) {
    if (config.getValue(key).valueType() == ConfigValueType.STRING
        && "auto".equals(config.getString(key))) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(config.getInt(key));
  }

  @Override
  public String toString() {
    return "KafkaSettings["
        + bootstrapServers
        + ", topics="
        + topics
        + ", writer="
        + writer
        + ", retry="
        + retry
        + ", operationTimeout="
        + operationTimeout
        + "]";
  }
}
