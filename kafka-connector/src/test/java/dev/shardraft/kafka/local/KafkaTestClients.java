package dev.shardraft.kafka.local;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.stream.javadsl.Sink;

/** Kafka clients for tests against a {@link LocalKafka}: topics, producers, Pekko reads. */
final class KafkaTestClients {

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private KafkaTestClients() {}

  /** Creates a topic and waits until the creation is acknowledged. */
  static String createTopic(
      String bootstrapServers,
      String prefix,
      int partitions,
      int replicationFactor,
      Map<String, String> config)
      throws ExecutionException, InterruptedException, TimeoutException {
    String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin
          .createTopics(
              List.of(new NewTopic(topic, partitions, (short) replicationFactor).configs(config)))
          .all()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    return topic;
  }

  /** A transactional producer with {@code initTransactions()} already called. */
  static KafkaProducer<String, String> transactionalProducer(
      String bootstrapServers, String transactionalId) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
    KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    producer.initTransactions();
    return producer;
  }

  /** An idempotent producer that waits for all in-sync replicas. */
  static KafkaProducer<String, String> ackAllProducer(String bootstrapServers) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  /** Pekko Connectors consumer settings: read_committed, from the earliest offset, no group. */
  static ConsumerSettings<String, String> readCommitted(
      ActorSystem system, String bootstrapServers) {
    return ConsumerSettings.create(system, new StringDeserializer(), new StringDeserializer())
        .withBootstrapServers(bootstrapServers)
        .withProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .withStopTimeout(Duration.ZERO);
  }

  /**
   * Reads partition 0 of {@code topic} from the start through Pekko Connectors {@code
   * Consumer.plainSource} with a manual assignment, up to and including the first record whose
   * value is {@code lastValue}.
   */
  static List<ConsumerRecord<String, String>> readUntil(
      ActorSystem system, ConsumerSettings<String, String> settings, String topic, String lastValue)
      throws ExecutionException, InterruptedException, TimeoutException {
    return Consumer.plainSource(
            settings, Subscriptions.assignment(Set.of(new TopicPartition(topic, 0))))
        .takeWhile(record -> !record.value().equals(lastValue), true)
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  static List<String> values(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }

  /** True if {@code error} or one of its causes says the producer was fenced. */
  static boolean isFenced(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ProducerFencedException
          || cause instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }
}
