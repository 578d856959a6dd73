package dev.shardraft.kafka.projection;

import static dev.shardraft.kafka.log.KafkaTestSupport.TIMEOUT;
import static dev.shardraft.kafka.log.KafkaTestSupport.await;
import static dev.shardraft.kafka.log.KafkaTestSupport.barrier;
import static dev.shardraft.kafka.log.KafkaTestSupport.command;
import static dev.shardraft.kafka.log.KafkaTestSupport.isText;
import static dev.shardraft.kafka.log.KafkaTestSupport.readThrough;
import static dev.shardraft.kafka.log.KafkaTestSupport.uniqueShard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.kafka.local.Await;
import dev.shardraft.kafka.log.KafkaFixture;
import dev.shardraft.kafka.log.KafkaRaftLog;
import dev.shardraft.kafka.log.KeyValueMachine;
import dev.shardraft.kafka.snapshot.KafkaSnapshotStore;
import dev.shardraft.kafka.snapshot.SnapshotThenTruncate;
import dev.shardraft.raft.core.apply.Applier;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.StateMachine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EventProjection} against one real broker: every event exactly once, in log order, across a
 * crash in the middle of a transaction and a clean restart.
 */
class EventProjectionTest {

  @RegisterExtension static final KafkaFixture KAFKA = KafkaFixture.nodes(1);

  /**
   * A fault of the projection's process, not a result of any command: an {@code Error} (like an
   * out-of-memory error) is not caught by the applier, so it fails the stream in the middle of its
   * transaction. (A {@code RuntimeException} from a state machine is a command's deterministic
   * {@code Failed} result instead, the same on every replica, and would not stop the projection.)
   */
  private static final class InjectedFault extends Error {
    InjectedFault(String message) {
      super(message);
    }
  }

  /**
   * The test's state machine; while armed, applying {@code crash=1} raises an {@link InjectedFault}
   * once.
   */
  private static final class CrashingMachine implements StateMachine<String, String> {
    private final KeyValueMachine delegate = new KeyValueMachine();
    private final AtomicBoolean armed;

    CrashingMachine(AtomicBoolean armed) {
      this.armed = armed;
    }

    @Override
    public Result<String> apply(long index, String command) {
      if (command.equals("crash=1") && armed.compareAndSet(true, false)) {
        throw new InjectedFault("injected crash of the projection at " + index);
      }
      return delegate.apply(index, command);
    }

    @Override
    public byte[] snapshot() {
      return delegate.snapshot();
    }

    @Override
    public void restore(byte[] snapshot) {
      delegate.restore(snapshot);
    }

    @Override
    public Codec<String> commandCodec() {
      return delegate.commandCodec();
    }

    @Override
    public Codec<String> replyCodec() {
      return delegate.replyCodec();
    }
  }

  @Test
  void eachEventIsProjectedExactlyOnceInOrderAcrossACrashAndARestart() throws Exception {
    String shard = uniqueShard("projection");
    String eventsTopic = ensureTopics(shard);
    AtomicBoolean armed = new AtomicBoolean(true);
    EventProjection<String, String> projection =
        new EventProjection<>(
            shard,
            eventsTopic,
            () -> new CrashingMachine(armed),
            10_000,
            Optional.empty(),
            KAFKA.settings(),
            KAFKA.system());

    try (KafkaRaftLog log = new KafkaRaftLog(shard, KAFKA.settings(), KAFKA.system())) {
      // Part 1: written and fully projected (committed downstream) before anything goes wrong.
      LogWriter a = await(log.openWriter(1, "A"));
      await(a.append(List.of(barrier(1, "A"))));
      await(a.append(commands(1, "A", "a", 1, 12)));
      await(a.append(List.of(command(1, "A", "a", 13, "end=1"))));
      EventProjection.Running first = await(projection.start());
      assertEquals(0, first.resumedAt());
      awaitEvent(eventsTopic, "end=1", first);

      // Part 2: a new leader, a duplicate retry, a stale-term write, a foreign record, the crash.
      LogWriter b = await(log.openWriter(2, "B"));
      await(b.append(List.of(barrier(2, "B"), command(2, "B", "a", 13, "end=1"))));
      await(b.append(commands(2, "B", "b", 1, 8)));
      LogWriter lateA = await(log.openWriter(1, "A"));
      await(lateA.append(List.of(command(1, "A", "a", 14, "stale=1"))));
      writeForeignRecord(TopicNames.log(shard));
      LogWriter c = await(log.openWriter(3, "C"));
      await(c.append(List.of(barrier(3, "C"))));
      await(c.append(commands(3, "C", "c", 1, 6)));
      await(c.append(List.of(command(3, "C", "c", 7, "crash=1"))));
      await(c.append(commands(3, "C", "c", 8, 6)));
      await(c.append(List.of(command(3, "C", "c", 14, "end=2"))));

      Throwable crash = assertThrows(Exception.class, () -> await(first.done()));
      assertTrue(
          String.valueOf(crash.getMessage()).contains("injected crash")
              || String.valueOf(crash.getCause()).contains("injected crash"),
          crash.toString());

      EventProjection.Running second = await(projection.start());
      assertTrue(
          second.resumedAt() > 0, "resumes at the committed offset, rebuilding part 1 by replay");
      awaitEvent(eventsTopic, "end=2", second);
      await(second.stop());

      // Part 3: after a clean stop, more entries, then a third start.
      await(c.append(commands(3, "C", "d", 1, 5)));
      // A poison command: Failed on the replicas and in the projection alike, which goes on.
      await(c.append(List.of(command(3, "C", "d", 6, "poison=1"))));
      await(c.append(List.of(command(3, "C", "d", 7, "end=3"))));
      EventProjection.Running third = await(projection.start());
      List<String> projected = awaitEvent(eventsTopic, "end=3", third);
      await(third.stop());

      List<String> expected = expectedEvents(log, "end=3");
      assertEquals(expected, projected, "exactly the replicas' events, once each, in log order");
      assertTrue(
          projected.stream().noneMatch(e -> e.startsWith("stale=")),
          "the stale-term entry yields no event");
      assertEquals(
          1,
          projected.stream().filter(e -> e.startsWith("end=1@")).count(),
          "the retried command yields one event");
      assertTrue(
          projected.stream().anyMatch(e -> e.startsWith("crash=1@")),
          "the crashing command is projected once after the restart");
      assertTrue(
          projected.stream().noneMatch(e -> e.startsWith("poison=")),
          "the poison command yields no event, and the projection went on past it");
      assertEquals(expected.size(), projected.size());
      a.close();
      b.close();
      lateA.close();
      c.close();
    }
  }

  @Test
  void aProjectionOnATruncatedLogStartsAtTheSnapshotAndRestartsFromIt() throws Exception {
    String shard = uniqueShard("projection-snap");
    String eventsTopic = ensureTopics(shard);
    try (KafkaRaftLog log = new KafkaRaftLog(shard, KAFKA.settings(), KAFKA.system());
        KafkaSnapshotStore store = new KafkaSnapshotStore(KAFKA.settings())) {
      LogWriter w = await(log.openWriter(1, "A"));
      await(w.append(List.of(barrier(1, "A"))));
      await(w.append(commands(1, "A", "a", 1, 10)));
      await(w.append(List.of(command(1, "A", "a", 11, "snap=1"))));
      Applier<String, String> replica = new Applier<>(new KeyValueMachine(), 10_000);
      readThrough(log, 0, e -> isText(e, "snap=1"), KAFKA.system()).forEach(replica::apply);
      Snapshot snapshot = replica.snapshot();
      await(SnapshotThenTruncate.run(store, log, snapshot));
      await(w.append(commands(1, "A", "a", 12, 5)));
      await(w.append(List.of(command(1, "A", "a", 17, "end=1"))));

      EventProjection<String, String> projection =
          new EventProjection<>(
              shard,
              eventsTopic,
              KeyValueMachine::new,
              10_000,
              Optional.of(store),
              KAFKA.settings(),
              KAFKA.system());
      EventProjection.Running first = await(projection.start());
      assertEquals(
          snapshot.nextIndex(),
          first.resumedAt(),
          "a new projection on a truncated log starts at the snapshot");
      awaitEvent(eventsTopic, "end=1", first);
      await(first.stop());

      await(w.append(commands(1, "A", "a", 18, 4)));
      await(w.append(List.of(command(1, "A", "a", 22, "end=2"))));
      EventProjection.Running second = await(projection.start());
      assertTrue(
          second.resumedAt() > snapshot.nextIndex(),
          "restart restores the snapshot and replays to the offset");
      List<String> projected = awaitEvent(eventsTopic, "end=2", second);
      await(second.stop());
      w.close();

      Applier<String, String> expectedApplier = new Applier<>(new KeyValueMachine(), 10_000);
      expectedApplier.restore(snapshot);
      List<String> expected = new ArrayList<>();
      readThrough(log, snapshot.nextIndex(), e -> isText(e, "end=2"), KAFKA.system())
          .forEach(
              e ->
                  expectedApplier
                      .apply(e)
                      .ifPresent(
                          r ->
                              r.events()
                                  .forEach(
                                      ev ->
                                          expected.add(
                                              new String(ev.payload(), StandardCharsets.UTF_8)))));
      assertEquals(expected, projected, "the events after the snapshot, once each, in order");
      assertEquals(11, projected.size());
    }
  }

  private static List<LogEntry> commands(
      long term, String leader, String client, int fromSeq, int count) {
    List<LogEntry> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int seq = fromSeq + i;
      batch.add(command(term, leader, client, seq, "k" + (seq % 4) + "=" + client + seq));
    }
    return batch;
  }

  /** Creates the shard's topics and its events topic; returns the events topic's name. */
  private static String ensureTopics(String shard) {
    String eventsTopic = "events-" + shard;
    try (TopicAdmin admin = new TopicAdmin(KAFKA.settings())) {
      admin.ensureShardTopics(shard);
      admin.ensureEventsTopic(eventsTopic);
    }
    return eventsTopic;
  }

  private static void writeForeignRecord(String topic) throws Exception {
    try (KafkaProducer<byte[], byte[]> plain = KAFKA.plainProducer()) {
      plain
          .send(
              new ProducerRecord<>(topic, 0, null, "not an entry".getBytes(StandardCharsets.UTF_8)))
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** What a replica's applier emits for the log, up to the command {@code last}. */
  private static List<String> expectedEvents(KafkaRaftLog log, String last) throws Exception {
    Applier<String, String> applier = new Applier<>(new KeyValueMachine(), 10_000);
    List<String> events = new ArrayList<>();
    readThrough(log, 0, e -> isText(e, last), KAFKA.system())
        .forEach(
            e ->
                applier
                    .apply(e)
                    .ifPresent(
                        r ->
                            r.events()
                                .forEach(
                                    ev ->
                                        events.add(
                                            new String(ev.payload(), StandardCharsets.UTF_8)))));
    return events;
  }

  /**
   * Reads the events topic (read_committed) from the start until an event of command {@code last}.
   * Fails at once, with the stream's error, if {@code projection} ends while waiting; on a timeout
   * the error says what was seen and where the projection's offsets stand.
   */
  private static List<String> awaitEvent(
      String topic, String last, EventProjection.Running projection) {
    List<String> seen = new ArrayList<>();
    Map<String, Object> props = KAFKA.settings().consumerProperties(null);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      try {
        Await.until(
            "event of " + last + " on " + topic,
            TIMEOUT,
            () -> {
              if (projection.done().toCompletableFuture().isDone()) {
                Throwable error =
                    projection.done().toCompletableFuture().handle((d, e) -> e).join();
                throw new AssertionError(
                    "the projection ended before the event of " + last + " (seen " + seen + ")",
                    error);
              }
              for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                String payload = new String(r.value(), StandardCharsets.UTF_8);
                long index =
                    ByteBuffer.wrap(r.headers().lastHeader(EventRecords.INDEX).value()).getLong();
                assertTrue(payload.endsWith("@" + index), payload + " carries its index " + index);
                seen.add(payload);
              }
              return seen.stream().anyMatch(p -> p.startsWith(last + "@"));
            });
      } catch (Await.TimedOutException timedOut) {
        throw new AssertionError(
            "no event of "
                + last
                + " on "
                + topic
                + "; seen "
                + seen.size()
                + " events "
                + seen
                + ", events topic end offsets "
                + consumer.endOffsets(List.of(partition))
                + ", read position "
                + consumer.position(partition),
            timedOut);
      }
    }
    return seen;
  }
}
