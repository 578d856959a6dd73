package dev.shardraft.kafka.log;

import dev.shardraft.kafka.config.KafkaSettings;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads a whole topic ({@code read_committed}, manual assignment of every partition, no group) and,
 * on every {@link #catchUp}, the records added since the last call, up to the high watermark of
 * that moment, waiting for transactions still open below it to be decided: every record committed
 * before the call is seen, even one written after the first record of a transaction that is still
 * open (which a plain read to the {@code read_committed} end would miss). Used for the compacted
 * topic {@code raft-meta}, whose reader wants "the latest value per key as of now". A {@link
 * TopicsReader} of one topic, read through the high watermark.
 *
 * <p>Not thread-safe (a Kafka consumer is not): call it from one thread.
 */
public final class TopicReader implements AutoCloseable {

  private final String topic;
  private final TopicsReader reader;

  public TopicReader(String topic, KafkaSettings settings) {
    this.topic = topic;
    this.reader = new TopicsReader(settings, true);
  }

  /**
   * Hands every record from the previous position up to the current end to {@code sink}, in offset
   * order per partition.
   *
   * @throws TimeoutException if the end is not reached within the operation timeout
   */
  public void catchUp(Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    reader.catchUp(topic, sink);
  }

  @Override
  public void close() {
    reader.close();
  }
}
