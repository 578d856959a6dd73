package dev.shardraft.kafka.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.core.apply.SessionRegistration;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.TailEvent;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class LogRecordFormatTest {

  private static ConsumerRecord<byte[], byte[]> asRead(
      ProducerRecord<byte[], byte[]> sent, long offset) {
    return new ConsumerRecord<>(
        sent.topic(),
        0,
        offset,
        0L,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        sent.key(),
        sent.value(),
        new RecordHeaders(sent.headers().toArray()),
        Optional.empty());
  }

  @Test
  void entriesRoundTripWithTheirIndex() {
    LogEntry command = KafkaTestSupport.command(7, "r2", "client-ü", 42, "payload");
    LogEntry barrier = KafkaTestSupport.barrier(8, "r3");
    assertEquals(
        new TailEvent.Committed(5, command),
        LogRecordFormat.decode(asRead(LogRecordFormat.encode("t", command), 5)));
    assertEquals(
        new TailEvent.Committed(9, barrier),
        LogRecordFormat.decode(asRead(LogRecordFormat.encode("t", barrier), 9)));
  }

  @Test
  void aBarrierCarriesTheSessionExpiryWindowAndOneWithoutItStillDecodes() {
    LogEntry withWindow = new LogEntry(3, "r1", new LogEntry.Barrier(500));
    assertEquals(
        new TailEvent.Committed(9, withWindow),
        LogRecordFormat.decode(asRead(LogRecordFormat.encode("t", withWindow), 9)));
    LogEntry without = new LogEntry(3, "r1", new LogEntry.Barrier());
    ProducerRecord<byte[], byte[]> old = LogRecordFormat.encode("t", without);
    assertEquals(null, old.headers().lastHeader(LogRecordFormat.SESSION_EXPIRY));
    assertEquals(new TailEvent.Committed(9, without), LogRecordFormat.decode(asRead(old, 9)));
    assertReason(
        replace(
            LogRecordFormat.encode("t", withWindow),
            LogRecordFormat.SESSION_EXPIRY,
            LogRecordFormat.longBytes(0)),
        "bad sr.expiry");
  }

  @Test
  void registrationsAndCommandsOfRegisteredSessionsRoundTripAndLegacyCommandsStillDecode() {
    LogEntry registration =
        new LogEntry(
            2,
            "r1",
            LogEntry.Command.registration("client", Bytes.of(SessionRegistration.payload(64))));
    assertEquals(
        new TailEvent.Committed(4, registration),
        LogRecordFormat.decode(asRead(LogRecordFormat.encode("t", registration), 4)));
    LogEntry pipelined =
        new LogEntry(2, "r1", new LogEntry.Command("client@4", 9, Bytes.utf8("x"), 7));
    ProducerRecord<byte[], byte[]> sent = LogRecordFormat.encode("t", pipelined);
    assertArrayEquals(
        LogRecordFormat.longBytes(7),
        sent.headers().lastHeader(LogRecordFormat.LOWEST_UNACKED).value());
    assertEquals(new TailEvent.Committed(5, pipelined), LogRecordFormat.decode(asRead(sent, 5)));
    LogEntry legacy = KafkaTestSupport.command(2, "r1", "old", 3, "y");
    ProducerRecord<byte[], byte[]> old = LogRecordFormat.encode("t", legacy);
    assertEquals(null, old.headers().lastHeader(LogRecordFormat.LOWEST_UNACKED));
    assertEquals(new TailEvent.Committed(6, legacy), LogRecordFormat.decode(asRead(old, 6)));
    assertReason(
        replace(sent, LogRecordFormat.LOWEST_UNACKED, LogRecordFormat.longBytes(0)),
        "bad sr.unacked");
    assertReason(
        replace(sent, LogRecordFormat.LOWEST_UNACKED, LogRecordFormat.longBytes(10)),
        "lowestUnacked must be in [0, sequence 9]");
  }

  @Test
  void badRecordsBecomeUndecodableWithAReason() {
    ProducerRecord<byte[], byte[]> cmd =
        LogRecordFormat.encode("t", KafkaTestSupport.command(1, "r", "c", 1, "x"));
    assertReason(new ProducerRecord<>("t", 0, null, "plain".getBytes()), "foreign record");
    assertReason(
        replace(cmd, LogRecordFormat.FORMAT, new byte[] {'S', 'R', 9}),
        "unsupported log format version 9");
    assertReason(replace(cmd, LogRecordFormat.FORMAT, new byte[] {'S'}), "bad magic");
    assertReason(replace(cmd, LogRecordFormat.KIND, new byte[] {'Z'}), "unknown entry kind");
    // (Sequence 0 is a session registration now; a negative one is still refused.)
    assertReason(
        replace(cmd, LogRecordFormat.SEQUENCE, LogRecordFormat.longBytes(-1)),
        "sequence must be >= 0");
    assertReason(
        replace(cmd, LogRecordFormat.LEADER, new byte[] {(byte) 0xC3, (byte) 0x28}),
        "malformed UTF-8");
    ProducerRecord<byte[], byte[]> noKey =
        new ProducerRecord<>("t", 0, (byte[]) null, cmd.value(), cmd.headers());
    assertReason(noKey, "without a client id");
    ProducerRecord<byte[], byte[]> barrier =
        LogRecordFormat.encode("t", KafkaTestSupport.barrier(1, "r"));
    assertReason(
        new ProducerRecord<>("t", 0, (byte[]) null, new byte[] {1}, barrier.headers()),
        "barrier with a non-empty value");
  }

  private static ProducerRecord<byte[], byte[]> replace(
      ProducerRecord<byte[], byte[]> r, String header, byte[] value) {
    RecordHeaders headers = new RecordHeaders(r.headers().toArray());
    headers.remove(header);
    headers.add(new RecordHeader(header, value));
    return new ProducerRecord<>(r.topic(), 0, r.key(), r.value(), headers);
  }

  private static void assertReason(ProducerRecord<byte[], byte[]> record, String part) {
    TailEvent event = LogRecordFormat.decode(asRead(record, 3));
    TailEvent.Undecodable u = assertInstanceOf(TailEvent.Undecodable.class, event);
    assertEquals(3, u.index());
    assertTrue(u.reason().contains(part), u.reason() + " should contain " + part);
  }
}
