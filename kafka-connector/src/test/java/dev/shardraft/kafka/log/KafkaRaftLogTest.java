package dev.shardraft.kafka.log;

import static dev.shardraft.kafka.log.KafkaTestSupport.await;
import static dev.shardraft.kafka.log.KafkaTestSupport.barrier;
import static dev.shardraft.kafka.log.KafkaTestSupport.command;
import static dev.shardraft.kafka.log.KafkaTestSupport.isText;
import static dev.shardraft.kafka.log.KafkaTestSupport.read;
import static dev.shardraft.kafka.log.KafkaTestSupport.readThrough;
import static dev.shardraft.kafka.log.KafkaTestSupport.text;
import static dev.shardraft.kafka.log.KafkaTestSupport.uniqueShard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.raft.core.apply.Applier;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogTruncatedException;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.TailEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link KafkaRaftLog} and {@link KafkaLogWriter} against one real broker. */
class KafkaRaftLogTest {

  @RegisterExtension static final KafkaFixture KAFKA = KafkaFixture.nodes(1);

  private static TopicAdmin topics;
  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeAll
  static void start() {
    topics = new TopicAdmin(KAFKA.settings());
  }

  @AfterAll
  static void stop() {
    topics.close();
  }

  @org.junit.jupiter.api.AfterEach
  void closeResources() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private KafkaRaftLog newLog(String shard) {
    KafkaRaftLog log = new KafkaRaftLog(shard, KAFKA.settings(), KAFKA.system());
    resources.add(log);
    return log;
  }

  private LogWriter open(KafkaRaftLog log, long term, String leader) throws Exception {
    LogWriter writer = await(log.openWriter(term, leader));
    resources.add(writer);
    return writer;
  }

  @Test
  void appendedBatchesAreTailedInOrderAtTheirReturnedIndices() throws Exception {
    String shard = uniqueShard("roundtrip");
    topics.ensureShardTopics(shard);
    KafkaRaftLog log = newLog(shard);
    LogWriter writer = open(log, 1, "r1");

    List<Long> first =
        await(writer.append(List.of(barrier(1, "r1"), command(1, "r1", "c", 1, "a"))));
    List<Long> second =
        await(writer.append(List.of(command(1, "r1", "c", 2, "b"), command(1, "r1", "d", 1, "c"))));

    List<Long> indices = new ArrayList<>(first);
    indices.addAll(second);
    assertEquals(4, indices.size());
    for (int i = 1; i < indices.size(); i++) {
      assertTrue(indices.get(i) > indices.get(i - 1), "indices increase: " + indices);
    }
    assertTrue(second.get(0) > first.get(1) + 1, "a transaction marker leaves a gap: " + indices);

    List<TailEvent> events = read(log, 0, 4, KAFKA.system());
    assertEquals(indices, events.stream().map(TailEvent::index).toList());
    assertEquals(
        new LogEntry(1, "r1", new LogEntry.Barrier()),
        ((TailEvent.Committed) events.get(0)).entry());
    assertEquals(command(1, "r1", "c", 1, "a"), ((TailEvent.Committed) events.get(1)).entry());
    assertEquals(command(1, "r1", "d", 1, "c"), ((TailEvent.Committed) events.get(3)).entry());
    assertEquals(4, log.metrics().committed());
    assertEquals(0, log.metrics().undecodable());

    List<TailEvent> fromMiddle = read(log, second.get(0), 2, KAFKA.system());
    assertEquals(second, fromMiddle.stream().map(TailEvent::index).toList());
  }

  @Test
  void aFencedZombieNeverGetsAnEntryIntoTheLog() throws Exception {
    String shard = uniqueShard("zombie");
    topics.ensureShardTopics(shard);
    KafkaRaftLog log = newLog(shard);
    LogWriter zombie = open(log, 1, "A");
    await(zombie.append(List.of(barrier(1, "A"), command(1, "A", "c", 1, "a-before"))));

    LogWriter leader = open(log, 2, "B");

    LogFencedException fenced =
        assertThrows(
            LogFencedException.class,
            () -> await(zombie.append(List.of(command(1, "A", "c", 2, "a-after-1")))));
    assertEquals(1, fenced.term());
    assertEquals(shard, fenced.shard());
    assertThrows(
        LogFencedException.class,
        () -> await(zombie.append(List.of(command(1, "A", "c", 3, "a-after-2")))),
        "a fenced writer stays fenced");
    await(
        leader.append(
            List.of(
                barrier(2, "B"), command(2, "B", "c", 2, "b-1"), command(2, "B", "c", 3, "end"))));

    for (int replica = 0; replica < 3; replica++) {
      List<String> texts =
          readThrough(newLog(shard), 0, e -> isText(e, "end"), KAFKA.system()).stream()
              .map(KafkaTestSupport::text)
              .filter(Objects::nonNull)
              .toList();
      assertEquals(List.of("a-before", "b-1", "end"), texts, "replica " + replica);
    }
  }

  @Test
  void anAppendRacingWithANewerOpenIsAtomicAndAnAcknowledgedOneIsVisible() throws Exception {
    String shard = uniqueShard("race");
    topics.ensureShardTopics(shard);
    KafkaRaftLog log = newLog(shard);
    // Per round: the batch's texts, and whether its append was acknowledged (else: outcome unknown,
    // fenced or another failure, which the port contract allows to be visible or not, but whole).
    List<List<String>> batches = new ArrayList<>();
    List<Boolean> acknowledged = new ArrayList<>();
    LogWriter current = open(log, 1, "r1");
    for (int round = 1; round <= 8; round++) {
      List<LogEntry> batch = new ArrayList<>();
      String filler = "x".repeat(400);
      int size = round % 2 == 1 ? 10 * round : 150 * round;
      for (int i = 0; i < size; i++) {
        batch.add(
            command(
                round, "r" + round, "c" + round, i + 1, "round" + round + "-" + i + "=" + filler));
      }
      // Odd rounds start the append first, even rounds the newer open: either may win the race.
      java.util.concurrent.CompletableFuture<List<Long>> append = null;
      if (round % 2 == 1) {
        append = current.append(batch).toCompletableFuture();
      }
      java.util.concurrent.CompletableFuture<LogWriter> opening =
          log.openWriter(round + 1, "r" + (round + 1)).toCompletableFuture();
      if (append == null) {
        append = current.append(batch).toCompletableFuture();
      }
      LogWriter next = await(opening);
      resources.add(next);
      batches.add(batch.stream().map(e -> text(new TailEvent.Committed(0, e))).toList());
      try {
        append.get(KafkaTestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        acknowledged.add(true);
      } catch (java.util.concurrent.ExecutionException e) {
        org.junit.jupiter.api.Assertions.assertTrue(
            e.getCause() instanceof LogFencedException
                || e.getCause() instanceof LogAppendException,
            "a racing append fails as fenced or outcome unknown, was " + e.getCause());
        org.slf4j.LoggerFactory.getLogger(KafkaRaftLogTest.class)
            .info("round {} failed: {}", round, String.valueOf(e.getCause()));
        acknowledged.add(false);
      }
      current = next;
    }
    await(current.append(List.of(command(9, "r9", "end", 1, "end"))));
    List<String> visible =
        readThrough(newLog(shard), 0, e -> isText(e, "end"), KAFKA.system()).stream()
            .map(KafkaTestSupport::text)
            .filter(t -> t != null && !t.equals("end"))
            .toList();
    // Walk the visible entries round by round: an acknowledged batch must be there whole; a failed
    // one whole or not at all; nothing else, in round order.
    int at = 0;
    int failedButVisible = 0;
    for (int r = 0; r < batches.size(); r++) {
      List<String> batch = batches.get(r);
      boolean here =
          at + batch.size() <= visible.size()
              && visible.subList(at, at + batch.size()).equals(batch);
      if (acknowledged.get(r)) {
        org.junit.jupiter.api.Assertions.assertTrue(
            here, "round " + (r + 1) + " was acknowledged, so it is visible whole, at " + at);
      }
      if (here) {
        at += batch.size();
        failedButVisible += acknowledged.get(r) ? 0 : 1;
      }
    }
    assertEquals(visible.size(), at, "no other entries, and no part of a batch, are visible");
    org.slf4j.LoggerFactory.getLogger(KafkaRaftLogTest.class)
        .info(
            "racing appends: {} of 8 acknowledged, {} failed but visible",
            acknowledged.stream().filter(x -> x).count(),
            failedButVisible);
  }

  @Test
  void aLateOpenOfAnOlderTermLandsAfterTheNewerBarrierAndEveryTailSkipsItAlike() throws Exception {
    String shard = uniqueShard("late-open");
    topics.ensureShardTopics(shard);
    KafkaRaftLog log = newLog(shard);
    LogWriter b = open(log, 2, "B");
    await(b.append(List.of(barrier(2, "B"), command(2, "B", "c", 1, "c=b1"))));

    // A, leader of the older term 1, finishes its slow initTransactions() only now: latest init
    // wins.
    LogWriter a = open(log, 1, "A");
    await(a.append(List.of(command(1, "A", "c", 2, "c=stale"))));
    assertThrows(
        LogFencedException.class,
        () -> await(b.append(List.of(command(2, "B", "c", 3, "c=lost")))));
    LogWriter c = open(log, 3, "C");
    await(c.append(List.of(barrier(3, "C"), command(3, "C", "c", 2, "c=1"))));

    List<List<TailEvent>> tails = new ArrayList<>();
    for (int replica = 0; replica < 3; replica++) {
      tails.add(readThrough(newLog(shard), 0, e -> isText(e, "c=1"), KAFKA.system()));
    }
    assertEquals(tails.get(0), tails.get(1));
    assertEquals(tails.get(0), tails.get(2));

    List<TailEvent> raw = tails.get(0);
    assertEquals(
        List.of(2L, 2L, 1L, 3L, 3L),
        raw.stream().map(e -> ((TailEvent.Committed) e).entry().term()).toList(),
        "the raw log holds A's term-1 entry after B's term-2 barrier");
    List<Map<String, String>> states = new ArrayList<>();
    for (List<TailEvent> tail : tails) {
      KeyValueMachine machine = new KeyValueMachine();
      Applier<String, String> applier = new Applier<>(machine, 1_000);
      tail.forEach(applier::apply);
      assertEquals(
          1, applier.skippedStaleTerm(), "the stale-term entry is skipped on every replica");
      states.add(machine.state());
    }
    assertEquals(
        Map.of("c", "1"), states.get(0), "c=b1 then c=1; neither c=stale nor c=lost applied");
    assertEquals(states.get(0), states.get(1));
    assertEquals(states.get(0), states.get(2));
  }

  @Test
  void foreignAndCorruptRecordsAreDeliveredAsUndecodableIdenticallyAndCounted() throws Exception {
    String shard = uniqueShard("foreign");
    topics.ensureShardTopics(shard);
    KafkaRaftLog log = newLog(shard);
    LogWriter writer = open(log, 1, "r1");
    await(writer.append(List.of(barrier(1, "r1"), command(1, "r1", "c", 1, "k=ok1"))));
    String topic = TopicNames.log(shard);
    try (KafkaProducer<byte[], byte[]> plain = KAFKA.plainProducer()) {
      send(plain, new ProducerRecord<>(topic, 0, null, "foreign".getBytes(StandardCharsets.UTF_8)));
      ProducerRecord<byte[], byte[]> badMagic =
          LogRecordFormat.encode(topic, command(1, "r1", "c", 2, "bad-magic"));
      badMagic
          .headers()
          .remove(LogRecordFormat.FORMAT)
          .add(new RecordHeader(LogRecordFormat.FORMAT, new byte[] {'X', 'R', 1}));
      send(plain, badMagic);
      ProducerRecord<byte[], byte[]> badTerm =
          LogRecordFormat.encode(topic, command(1, "r1", "c", 2, "bad-term"));
      badTerm
          .headers()
          .remove(LogRecordFormat.TERM)
          .add(new RecordHeader(LogRecordFormat.TERM, new byte[] {1, 2}));
      send(plain, badTerm);
      ProducerRecord<byte[], byte[]> zeroTerm =
          LogRecordFormat.encode(topic, command(1, "r1", "c", 2, "zero-term"));
      zeroTerm
          .headers()
          .remove(LogRecordFormat.TERM)
          .add(new RecordHeader(LogRecordFormat.TERM, ByteBuffer.allocate(8).putLong(0).array()));
      send(plain, zeroTerm);
    }
    await(writer.append(List.of(command(1, "r1", "c", 2, "k=ok2"))));

    List<KafkaRaftLog> replicas = List.of(newLog(shard), newLog(shard), newLog(shard));
    List<List<TailEvent>> tails = new ArrayList<>();
    for (KafkaRaftLog replica : replicas) {
      tails.add(readThrough(replica, 0, e -> isText(e, "k=ok2"), KAFKA.system()));
    }
    assertEquals(tails.get(0), tails.get(1));
    assertEquals(tails.get(0), tails.get(2));
    List<String> reasons =
        tails.get(0).stream()
            .filter(e -> e instanceof TailEvent.Undecodable)
            .map(e -> ((TailEvent.Undecodable) e).reason())
            .toList();
    assertEquals(4, reasons.size(), reasons.toString());
    assertTrue(reasons.get(0).contains("foreign"), reasons.get(0));
    assertTrue(reasons.get(1).contains("magic"), reasons.get(1));
    assertTrue(reasons.get(2).contains("sr.term"), reasons.get(2));
    assertTrue(reasons.get(3).contains("term must be >= 1"), reasons.get(3));
    for (KafkaRaftLog replica : replicas) {
      assertEquals(4, replica.metrics().undecodable());
      assertEquals(3, replica.metrics().committed());
    }
    for (List<TailEvent> tail : tails) {
      KeyValueMachine machine = new KeyValueMachine();
      Applier<String, String> applier = new Applier<>(machine, 1_000);
      tail.forEach(applier::apply);
      assertEquals(4, applier.skippedUndecodable());
      assertEquals(Map.of("k", "ok2"), machine.state());
    }
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record)
      throws Exception {
    producer.send(record).get(KafkaTestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void aTailFromBelowTheLogStartFailsWhileOneFromTheLogStartOrTheEndReadsWhatIsLeft()
      throws Exception {
    String shard = uniqueShard("truncate");
    topics.ensureShardTopics(shard);
    KafkaRaftLog log = newLog(shard);
    LogWriter writer = open(log, 1, "r1");
    List<Long> first =
        await(writer.append(List.of(barrier(1, "r1"), command(1, "r1", "c", 1, "x1"))));
    List<Long> second =
        await(
            writer.append(List.of(command(1, "r1", "c", 2, "x2"), command(1, "r1", "c", 3, "x3"))));

    await(log.deleteBefore(second.get(0)));

    assertEquals(second.get(0), await(log.logStartIndex()));
    // Contract change: a tail from below the log start no longer begins at the log start.
    LogTruncatedException e =
        ExecutionExceptionCheck.assertFailsWith(
            LogTruncatedException.class,
            () -> read(newLog(shard), 0, 2, KAFKA.system()),
            "starts at " + second.get(0));
    assertEquals(shard, e.shard());
    assertEquals(0, e.requestedIndex());
    assertEquals(second.get(0), e.logStart());
    List<TailEvent> events = read(newLog(shard), second.get(0), 2, KAFKA.system());
    assertEquals(second, events.stream().map(TailEvent::index).toList());
    assertEquals("x2", text(events.get(0)));
    assertFalse(first.contains(events.get(0).index()));

    // A wholly truncated log: a fresh replica tails from its end and gets what comes next.
    long end = await(log.endIndex());
    await(log.deleteBefore(end));
    CompletableFuture<List<TailEvent>> next =
        newLog(shard).tail(end).take(1).runWith(Sink.seq(), KAFKA.system()).toCompletableFuture();
    List<Long> third = await(writer.append(List.of(command(1, "r1", "c", 4, "x4"))));
    assertEquals(third, await(next).stream().map(TailEvent::index).toList());
  }

  @Test
  void aRunningTailThatLagsBehindDeleteRecordsFailsWithLogTruncatedException() throws Exception {
    String shard = uniqueShard("lagging");
    topics.ensureShardTopics(shard);
    KafkaRaftLog log = newLog(shard);
    LogWriter writer = open(log, 1, "r1");
    List<Long> indices = new ArrayList<>();
    for (int seq = 1; seq <= 60; seq += 2) { // 30 transactions of 2 entries
      indices.addAll(
          await(
              writer.append(
                  List.of(
                      command(1, "r1", "c", seq, "x" + seq),
                      command(1, "r1", "c", seq + 1, "x" + (seq + 1))))));
    }
    // A slow consumer: every fetch returns one record batch, every poll one record, and the sink
    // pulls one element at a time, so the consumer's fetch position stays far behind the end.
    KafkaSettings slow =
        KafkaSettings.fromConfig(
            ConfigFactory.parseString(
                "shardraft.kafka { bootstrap-servers = \""
                    + KAFKA.bootstrapServers()
                    + "\"\n"
                    + "consumer { \"max.poll.records\" = 1, \"fetch.max.bytes\" = 1,"
                    + " \"max.partition.fetch.bytes\" = 1 } }"));
    KafkaRaftLog slowLog = new KafkaRaftLog(shard, slow, KAFKA.system());
    resources.add(slowLog);
    SinkQueueWithCancel<TailEvent> tail =
        slowLog
            .tail(0)
            .runWith(
                Sink.<TailEvent>queue().withAttributes(Attributes.inputBuffer(1, 1)),
                KAFKA.system());
    resources.add(tail::cancel);
    List<Long> delivered = new ArrayList<>();
    delivered.add(await(tail.pull()).orElseThrow().index());

    long end = await(log.endIndex());
    await(log.deleteBefore(end)); // past the lagging tail's position; no new records after it

    Throwable failure = null;
    while (failure == null) {
      try {
        delivered.add(await(tail.pull()).orElseThrow().index());
      } catch (Exception e) {
        failure = e;
      }
    }
    LogTruncatedException truncated =
        assertInstanceOf(
            LogTruncatedException.class,
            failure,
            "the tail fails instead of going on at the log start");
    assertEquals(end, truncated.logStart());
    assertTrue(truncated.requestedIndex() < end, "failed at " + truncated.requestedIndex());
    assertTrue(delivered.size() < indices.size(), "the tail lagged: " + delivered);
    assertEquals(
        indices.subList(0, delivered.size()),
        delivered,
        "what it read before the cut is a gap-free prefix of the log");
  }

  @Test
  void aTailBeyondTheEndOfTheLogFailsClearly() throws Exception {
    String shard = uniqueShard("beyond");
    topics.ensureShardTopics(shard);
    KafkaRaftLog log = newLog(shard);
    ExecutionExceptionCheck.assertFailsWith(
        IllegalArgumentException.class,
        () -> read(log, 1_000, 1, KAFKA.system()),
        "the log ends at 0");
  }

  @Test
  void anEmptyBatchOrAnEntryOfAnotherTermIsRefused() throws Exception {
    String shard = uniqueShard("empty");
    topics.ensureShardTopics(shard);
    KafkaRaftLog log = newLog(shard);
    LogWriter writer = open(log, 1, "r1");
    assertInstanceOf(
        IllegalArgumentException.class,
        assertThrows(Exception.class, () -> await(writer.append(List.of()))));
    assertInstanceOf(
        IllegalArgumentException.class,
        assertThrows(Exception.class, () -> await(writer.append(List.of(barrier(2, "r1"))))));
    assertInstanceOf(
        IllegalArgumentException.class,
        assertThrows(Exception.class, () -> await(log.openWriter(0, "r1"))));
    await(writer.append(List.of(command(1, "r1", "c", 1, "still-usable"))));
  }
}
