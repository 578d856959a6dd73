package dev.shardraft.kafka.projection;

import dev.shardraft.raft.port.StateMachine.DomainEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.utils.Utils;

/**
 * A {@link DomainEvent} as a record of the events topic: key = the event's key (UTF-8), value = its
 * payload, headers {@code sr.event.type} (UTF-8), {@code sr.shard} (UTF-8) and {@code sr.index} (8
 * bytes big-endian: the log index of the command that produced it). Every event of a shard goes to
 * the same partition (murmur2 of the shard key), so a consumer sees a shard's events in log order.
 */
public final class EventRecords {

  public static final String TYPE = "sr.event.type";
  public static final String SHARD = "sr.shard";
  public static final String INDEX = "sr.index";

  private EventRecords() {}

  /** The partition of the events topic that carries {@code shard}'s events. */
  public static int partitionFor(String shard, int partitions) {
    return Utils.toPositive(Utils.murmur2(shard.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  static ProducerRecord<byte[], byte[]> toRecord(
      String topic, int partition, String shard, long index, DomainEvent event) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic,
            partition,
            event.key() == null ? null : event.key().getBytes(StandardCharsets.UTF_8),
            event.payload());
    record.headers().add(new RecordHeader(TYPE, event.type().getBytes(StandardCharsets.UTF_8)));
    record.headers().add(new RecordHeader(SHARD, shard.getBytes(StandardCharsets.UTF_8)));
    record.headers().add(new RecordHeader(INDEX, ByteBuffer.allocate(8).putLong(index).array()));
    return record;
  }
}
