package dev.shardraft.sample.demo;

import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.projection.EventProjection;
import dev.shardraft.raft.port.SnapshotStore;
import dev.shardraft.sample.orders.OrdersStateMachine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/**
 * Projects a shard's log into an events topic with kafka-connector's exactly-once {@link
 * EventProjection} and counts, with a read_committed consumer, the events whose key (the order id)
 * starts with a run's prefix.
 */
final class ProjectedEvents {

  private ProjectedEvents() {}

  /**
   * Runs the projection until {@code expected} events of the run are readable (or {@code timeout}
   * passed), stops it, and returns how many events of the run the topic holds.
   */
  static long project(
      ClassicActorSystemProvider system,
      KafkaSettings kafka,
      String shard,
      String topic,
      Optional<SnapshotStore> snapshots,
      long sessionExpiryPositions,
      String keyPrefix,
      long expected,
      Duration timeout)
      throws Exception {
    try (TopicAdmin admin = new TopicAdmin(kafka)) {
      admin.ensureEventsTopic(topic);
    }
    EventProjection<?, ?> projection =
        new EventProjection<>(
            shard,
            topic,
            OrdersStateMachine::new,
            sessionExpiryPositions,
            snapshots,
            kafka,
            system);
    EventProjection.Running running =
        projection.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return count(kafka, topic, keyPrefix, expected, timeout);
    } finally {
      running.stop().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Reads {@code topic} from the start until {@code expected} matching events or the timeout. */
  private static long count(
      KafkaSettings kafka, String topic, String keyPrefix, long expected, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    long matching = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(kafka.consumerProperties(null))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (matching < expected && System.nanoTime() - end < 0) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null
              && new String(r.key(), StandardCharsets.UTF_8).startsWith(keyPrefix)) {
            matching++;
          }
        }
      }
    }
    return matching;
  }
}
