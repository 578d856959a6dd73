package dev.shardraft.kafka.log;

import dev.shardraft.kafka.config.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * <p><b>The end.</b> A {@code read_committed} consumer's end offset is the last stable offset: it
 * stops before the first record of any transaction still open on the partition, whoever opened it.
 * A committed record written after that open transaction's first record is not yet readable, so a
 * read "to the end" by that measure can miss a value committed before the read started. A reader
 * built {@link #TopicsReader(KafkaSettings, boolean) through the high watermark} reads instead up
 * to the partition's high watermark as of the start of the call (taken by a second, {@code
 * read_uncommitted} consumer that only asks for end offsets), waiting until every transaction below
 * it is decided: it then sees every record committed before the call started. The {@code raft-meta}
 * store needs that (a save that completed must be seen by every later load and by every later
 * compare-and-set); it waits for open transactions of others, at most for their transaction
 * timeout.
 *
 * <p>Not thread-safe (a Kafka consumer is not): call it from one thread.
 */
public final class TopicsReader implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaConsumer<byte[], byte[]> highWatermarks;
  private final Duration timeout;
  private final Map<String, List<TopicPartition>> partitions = new HashMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();

  /** A reader up to the last stable offset of each call's moment (see the class comment). */
  public TopicsReader(KafkaSettings settings) {
    this(settings, false);
  }

  /**
   * A reader up to the high watermark of each call's moment when {@code throughHighWatermark}, else
   * up to its last stable offset (see the class comment).
   */
  public TopicsReader(KafkaSettings settings, boolean throughHighWatermark) {
    this.consumer = new KafkaConsumer<>(settings.consumerProperties(null));
    this.timeout = settings.operationTimeout();
    if (throughHighWatermark) {
      Map<String, Object> props = settings.consumerProperties(null);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
      this.highWatermarks = new KafkaConsumer<>(props);
    } else {
      this.highWatermarks = null;
    }
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
    Map<TopicPartition, Long> end =
        highWatermarks == null
            ? consumer.endOffsets(tps, timeout)
            : highWatermarks.endOffsets(tps, timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!reached(end)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "reading "
                + topic
                + " to its end "
                + end
                + " took longer than "
                + timeout
                + (highWatermarks == null
                    ? ""
                    : " (a transaction still open below that end holds the read back until it is"
                        + " committed, aborted or timed out)"));
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
    try {
      consumer.close();
    } finally {
      if (highWatermarks != null) {
        highWatermarks.close();
      }
    }
  }
}
