package dev.shardraft.kafka.snapshot;

import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.Snapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A snapshot as a record of {@code raft-snapshot-<shard>}: key = the shard (UTF-8), headers {@code
 * sr.format} = {@code 'S' 'S' 1}, {@code sr.snap.next} and {@code sr.snap.term} (8 bytes big-endian
 * each), value = {@link Snapshot#data()} as the applier encoded it (state machine and sessions).
 */
final class SnapshotRecordFormat {

  static final String FORMAT = "sr.format";
  static final String NEXT_INDEX = "sr.snap.next";
  static final String TERM = "sr.snap.term";
  private static final byte[] FORMAT_V1 = {'S', 'S', 1};

  private SnapshotRecordFormat() {}

  static ProducerRecord<byte[], byte[]> encode(String topic, String shard, Snapshot snapshot) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic, shard.getBytes(StandardCharsets.UTF_8), snapshot.data().toArray());
    record.headers().add(new RecordHeader(FORMAT, FORMAT_V1.clone()));
    record.headers().add(new RecordHeader(NEXT_INDEX, longBytes(snapshot.nextIndex())));
    record.headers().add(new RecordHeader(TERM, longBytes(snapshot.term())));
    return record;
  }

  /**
   * @throws IllegalArgumentException if the record is not a version-1 snapshot
   */
  static Snapshot decode(ConsumerRecord<byte[], byte[]> record) {
    byte[] format = header(record, FORMAT);
    if (format.length != 3 || format[0] != 'S' || format[1] != 'S' || format[2] != 1) {
      throw new IllegalArgumentException("not a version-1 snapshot record");
    }
    if (record.value() == null) {
      throw new IllegalArgumentException("snapshot record without a value");
    }
    return new Snapshot(
        longValue(header(record, NEXT_INDEX)),
        longValue(header(record, TERM)),
        Bytes.of(record.value()));
  }

  private static byte[] header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    if (h == null || h.value() == null) {
      throw new IllegalArgumentException("missing header " + name);
    }
    return h.value();
  }

  private static long longValue(byte[] bytes) {
    if (bytes.length != Long.BYTES) {
      throw new IllegalArgumentException("malformed long header (" + bytes.length + " bytes)");
    }
    return ByteBuffer.wrap(bytes).getLong();
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }
}
