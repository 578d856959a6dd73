package dev.shardraft.kafka.log;

import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.TailEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * How a {@link LogEntry} is laid out in a Kafka record of {@code raft-log-<shard>}, version 1.
 *
 * <table>
 *   <caption>Record layout</caption>
 *   <tr><th>part</th><th>content</th></tr>
 *   <tr><td>header {@code sr.format}</td><td>3 bytes: magic {@code 'S' 'R'}, format version
 *       {@code 1}</td></tr>
 *   <tr><td>header {@code sr.kind}</td><td>1 byte: {@code 'B'} barrier, {@code 'C'}
 *       command</td></tr>
 *   <tr><td>header {@code sr.term}</td><td>8 bytes, big-endian signed long, &gt;= 1</td></tr>
 *   <tr><td>header {@code sr.leader}</td><td>UTF-8 leader replica id</td></tr>
 *   <tr><td>header {@code sr.seq}</td><td>commands only: 8 bytes, big-endian, &gt;= 0 (0: a
 *       session registration)</td></tr>
 *   <tr><td>header {@code sr.unacked}</td><td>commands of registered sessions: 8 bytes,
 *       big-endian, in [1, sequence]: the lowest sequence whose answer the client has not seen
 *       (absent: a registration, or a legacy command as earlier versions wrote)</td></tr>
 *   <tr><td>header {@code sr.expiry}</td><td>barriers, optional: 8 bytes, big-endian, &gt;= 1: the
 *       client-session expiry window of the leader (absent in barriers of earlier versions: the
 *       window then stays as it was)</td></tr>
 *   <tr><td>key</td><td>commands: UTF-8 client id; barriers: none</td></tr>
 *   <tr><td>value</td><td>commands: the payload bytes (the state machine's codec); barriers: empty</td></tr>
 * </table>
 *
 * <p>{@link #decode} never throws for bad data: a record without the format header (a foreign
 * writer), with another magic or version, with a missing or malformed header, or whose parts break
 * the {@link LogEntry} invariants becomes {@link TailEvent.Undecodable} with a reason. The result
 * depends only on the record's bytes, so every replica decides alike.
 */
public final class LogRecordFormat {

  public static final String FORMAT = "sr.format";
  public static final String KIND = "sr.kind";
  public static final String TERM = "sr.term";
  public static final String LEADER = "sr.leader";
  public static final String SEQUENCE = "sr.seq";
  public static final String SESSION_EXPIRY = "sr.expiry";
  public static final String LOWEST_UNACKED = "sr.unacked";

  static final byte[] FORMAT_V1 = {'S', 'R', 1};
  static final byte KIND_BARRIER = 'B';
  static final byte KIND_COMMAND = 'C';

  private LogRecordFormat() {}

  /** The record for {@code entry} on partition 0 of {@code topic}. */
  public static ProducerRecord<byte[], byte[]> encode(String topic, LogEntry entry) {
    List<Header> headers = new ArrayList<>(5);
    headers.add(new RecordHeader(FORMAT, FORMAT_V1.clone()));
    headers.add(new RecordHeader(TERM, longBytes(entry.term())));
    headers.add(new RecordHeader(LEADER, entry.leaderId().getBytes(StandardCharsets.UTF_8)));
    if (entry.body() instanceof LogEntry.Command c) {
      headers.add(new RecordHeader(KIND, new byte[] {KIND_COMMAND}));
      headers.add(new RecordHeader(SEQUENCE, longBytes(c.sequence())));
      if (c.lowestUnacked() > 0) {
        headers.add(new RecordHeader(LOWEST_UNACKED, longBytes(c.lowestUnacked())));
      }
      return new ProducerRecord<>(
          topic, 0, c.clientId().getBytes(StandardCharsets.UTF_8), c.payload().toArray(), headers);
    }
    headers.add(new RecordHeader(KIND, new byte[] {KIND_BARRIER}));
    long expiry = ((LogEntry.Barrier) entry.body()).sessionExpiryPositions();
    if (expiry > 0) {
      headers.add(new RecordHeader(SESSION_EXPIRY, longBytes(expiry)));
    }
    return new ProducerRecord<>(topic, 0, (byte[]) null, new byte[0], headers);
  }

  /** What a reader sees at {@code record.offset()}; never throws for bad data. */
  public static TailEvent decode(ConsumerRecord<byte[], byte[]> record) {
    try {
      return new TailEvent.Committed(record.offset(), decodeEntry(record));
    } catch (MalformedRecordException e) {
      return new TailEvent.Undecodable(record.offset(), e.getMessage());
    } catch (IllegalArgumentException | NullPointerException e) {
      return new TailEvent.Undecodable(record.offset(), "invalid entry: " + e.getMessage());
    }
  }

  private static LogEntry decodeEntry(ConsumerRecord<byte[], byte[]> record) {
    Headers headers = record.headers();
    byte[] format = header(headers, FORMAT, "no " + FORMAT + " header (foreign record)");
    if (format.length != 3 || format[0] != 'S' || format[1] != 'R') {
      throw new MalformedRecordException("bad magic in " + FORMAT + " header");
    }
    if (format[2] != 1) {
      throw new MalformedRecordException("unsupported log format version " + format[2]);
    }
    long term = longValue(header(headers, TERM, "missing " + TERM), TERM);
    String leader = utf8(header(headers, LEADER, "missing " + LEADER), LEADER);
    byte[] kind = header(headers, KIND, "missing " + KIND);
    if (kind.length != 1) {
      throw new MalformedRecordException("malformed " + KIND + " header");
    }
    byte[] value = record.value();
    return switch (kind[0]) {
      case KIND_BARRIER -> {
        if (value != null && value.length != 0) {
          throw new MalformedRecordException("barrier with a non-empty value");
        }
        Header expiry = headers.lastHeader(SESSION_EXPIRY);
        long window = expiry == null ? 0 : longValue(expiry.value(), SESSION_EXPIRY);
        if (expiry != null && window < 1) {
          throw new MalformedRecordException("bad " + SESSION_EXPIRY + " " + window);
        }
        yield new LogEntry(term, leader, new LogEntry.Barrier(window));
      }
      case KIND_COMMAND -> {
        long sequence = longValue(header(headers, SEQUENCE, "missing " + SEQUENCE), SEQUENCE);
        if (record.key() == null) {
          throw new MalformedRecordException("command without a client id key");
        }
        if (value == null) {
          throw new MalformedRecordException("command without a value");
        }
        String clientId = utf8(record.key(), "key");
        Header unacked = headers.lastHeader(LOWEST_UNACKED);
        long lowest = unacked == null ? 0 : longValue(unacked.value(), LOWEST_UNACKED);
        if (unacked != null && lowest < 1) {
          throw new MalformedRecordException("bad " + LOWEST_UNACKED + " " + lowest);
        }
        yield new LogEntry(
            term, leader, new LogEntry.Command(clientId, sequence, Bytes.of(value), lowest));
      }
      default -> throw new MalformedRecordException("unknown entry kind " + kind[0]);
    };
  }

  private static byte[] header(Headers headers, String name, String reasonIfMissing) {
    Header header = headers.lastHeader(name);
    if (header == null || header.value() == null) {
      throw new MalformedRecordException(reasonIfMissing);
    }
    return header.value();
  }

  private static long longValue(byte[] bytes, String name) {
    if (bytes.length != Long.BYTES) {
      throw new MalformedRecordException(
          "malformed " + name + " header (" + bytes.length + " bytes)");
    }
    return ByteBuffer.wrap(bytes).getLong();
  }

  private static String utf8(byte[] bytes, String name) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedRecordException("malformed UTF-8 in " + name);
    }
  }

  static byte[] longBytes(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  /** Internal signal of a record that is not a valid entry; its message is the reason. */
  private static final class MalformedRecordException extends RuntimeException {
    MalformedRecordException(String reason) {
      super(reason, null, false, false);
    }
  }
}
