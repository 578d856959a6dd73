package dev.shardraft.kafka.log;

import dev.shardraft.kafka.config.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads a whole topic ({@code read_committed}, manual assignment of every partition, no group) and,
 * on every {@link #catchUp}, the records added since the last call, up to the end offsets of that
 * moment. Used for the compacted topics ({@code raft-meta}, {@code raft-snapshot-*}), whose readers
 * want "the latest value per key as of now".
 *
 * <p>Not thread-safe (a Kafka consumer is not): call it from one thread.
 */
public final class TopicReader implements AutoCloseable {

  private final String topic;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Duration timeout;
  private Set<TopicPartition> partitions;

  public TopicReader(String topic, KafkaSettings settings) {
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(settings.consumerProperties(null));
    this.timeout = settings.operationTimeout();
  }

  /**
   * Hands every record from the previous position up to the current end to {@code sink}, in offset
   * order per partition.
   *
   * @throws TimeoutException if the end is not reached within the operation timeout
   */
  public void catchUp(Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    if (partitions == null) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new org.apache.kafka.common.errors.UnknownTopicOrPartitionException(
            "topic " + topic + " does not exist");
      }
      partitions =
          infos.stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .collect(Collectors.toSet());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!reached(end)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "reading " + topic + " to its end " + end + " took longer than " + timeout);
      }
      List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
      consumer.poll(Duration.ofMillis(100)).forEach(batch::add);
      batch.forEach(sink);
    }
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey(), timeout) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
