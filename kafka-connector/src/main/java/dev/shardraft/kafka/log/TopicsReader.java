package dev.shardraft.kafka.log;

import dev.shardraft.kafka.config.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * {@link TopicReader} for many topics on <b>one</b> Kafka consumer: {@link #catchUp} assigns the
 * consumer to one topic's partitions, seeks to where the previous call for that topic ended (the
 * beginning the first time), and hands every record up to the end offsets of that moment to the
 * sink. Used by {@code KafkaSnapshotStore}, which reads {@code raft-snapshot-<shard>} of every
 * group on the node: one consumer (one connection, one set of buffers) for all of them instead of
 * one per group.
 *
 * <p>Not thread-safe (a Kafka consumer is not): call it from one thread.
 */
public final class TopicsReader implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Duration timeout;
  private final Map<String, List<TopicPartition>> partitions = new HashMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();

  public TopicsReader(KafkaSettings settings) {
    this.consumer = new KafkaConsumer<>(settings.consumerProperties(null));
    this.timeout = settings.operationTimeout();
  }

  /**
   * Hands every record of {@code topic} from where the previous call for it ended up to the current
   * end to {@code sink}, in offset order per partition.
   *
   * @throws TimeoutException if the end is not reached within the operation timeout
   */
  public void catchUp(String topic, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    List<TopicPartition> tps = partitions.get(topic);
    if (tps == null) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new org.apache.kafka.common.errors.UnknownTopicOrPartitionException(
            "topic " + topic + " does not exist");
      }
      tps = new ArrayList<>();
      for (PartitionInfo p : infos) {
        tps.add(new TopicPartition(topic, p.partition()));
      }
      partitions.put(topic, tps);
    }
    consumer.assign(tps);
    for (TopicPartition tp : tps) {
      Long at = positions.get(tp);
      if (at == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, at);
      }
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(tps, timeout);
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
    for (TopicPartition tp : tps) {
      positions.put(tp, consumer.position(tp, timeout));
    }
    consumer.assign(List.of()); // nothing fetched in the background between calls
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
