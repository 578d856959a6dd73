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
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.kafka.local.Await;
import dev.shardraft.kafka.log.KafkaFixture;
import dev.shardraft.kafka.log.KafkaRaftLog;
import dev.shardraft.kafka.snapshot.KafkaSnapshotStore;
import dev.shardraft.raft.core.apply.Applier;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.SnapshotStore;
import dev.shardraft.raft.port.StateMachine;
import dev.shardraft.raft.port.TailEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EventProjection} when instances overlap or the log is cut under its rebuild, against one
 * real broker. The state machine's events carry how many commands it has applied, so a projection
 * whose state was rebuilt to the wrong offset emits visibly wrong events, not only extra ones.
 */
class ProjectionOverlapTest {

  @RegisterExtension static final KafkaFixture KAFKA = KafkaFixture.nodes(1);

  private static ActorSystem system;
  private static KafkaSettings settings;

  @BeforeAll
  static void start() {
    system = KAFKA.system();
    settings = KAFKA.settings();
  }

  @Test
  void twoOverlappingInstancesEmitEveryEventOnceInOrder() throws Exception {
    String shard = uniqueShard("overlap");
    String eventsTopic = createTopics(shard);
    try (KafkaRaftLog log = new KafkaRaftLog(shard, settings, system)) {
      LogWriter writer = await(log.openWriter(1, "A"));
      await(writer.append(List.of(barrier(1, "A"))));
      EventProjection.Running first =
          await(projection(shard, eventsTopic, Optional.empty()).start());

      // Commands keep arriving until a second instance has started over the first one.
      AtomicInteger sequence = new AtomicInteger();
      AtomicBoolean secondStarted = new AtomicBoolean();
      CompletableFuture<Void> load =
          CompletableFuture.runAsync(
              () -> {
                try {
                  int afterStart = 0;
                  while (afterStart < 30) {
                    await(writer.append(commands(sequence, 2)));
                    afterStart += secondStarted.get() ? 1 : 0;
                  }
                  await(
                      writer.append(
                          List.of(command(1, "A", "c", sequence.incrementAndGet(), "end"))));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      awaitEvents(eventsTopic, events -> events.size() >= 20);
      EventProjection.Running second =
          await(projection(shard, eventsTopic, Optional.empty()).start());
      secondStarted.set(true);
      load.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      List<String> projected = awaitEvents(eventsTopic, ProjectionOverlapTest::hasEnd);

      // The first instance was fenced by the second one: its next commit failed.
      Exception fenced = assertThrows(Exception.class, () -> await(first.done()));
      assertTrue(
          !(fenced instanceof java.util.concurrent.TimeoutException),
          "the older instance's stream failed (fenced), it did not run on: " + fenced);
      await(second.stop());
      assertEquals(
          expectedEvents(log, 0, new CountingMachine()), projected, "each event once, in order");
      writer.close();
    }
  }

  /**
   * The older instance is fenced while a record it consumed is not yet committed (its state machine
   * holds that record until the newer instance has started). Its stream fails; stopping it must
   * still complete, with the fence as its error. Before, Pekko Connectors' transactional source
   * waited forever for that record to be committed, holding its consumer, and {@code stop()} never
   * completed (SagaTest timed out there once in CI).
   */
  @Test
  void aFencedInstanceWithARecordInFlightStillStops() throws Exception {
    String shard = uniqueShard("fenced-stop");
    String eventsTopic = createTopics(shard);
    try (KafkaRaftLog log = new KafkaRaftLog(shard, settings, system)) {
      LogWriter writer = await(log.openWriter(1, "A"));
      await(writer.append(List.of(barrier(1, "A"))));
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger made = new AtomicInteger();
      Supplier<StateMachine<String, String>> machines =
          () ->
              made.incrementAndGet() == 1
                  ? new HoldingMachine("hold", holding, release)
                  : new CountingMachine();
      EventProjection.Running first =
          await(
              new EventProjection<>(
                      shard, eventsTopic, machines, 10_000, Optional.empty(), settings, system)
                  .start());
      await(writer.append(List.of(command(1, "A", "c", 1, "hold"))));
      assertTrue(
          holding.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
          "the first instance holds the record");

      EventProjection.Running second =
          await(
              new EventProjection<>(
                      shard, eventsTopic, machines, 10_000, Optional.empty(), settings, system)
                  .start());
      release.countDown();
      Exception fenced = assertThrows(Exception.class, () -> await(first.done()));
      assertTrue(
          !(fenced instanceof java.util.concurrent.TimeoutException),
          "the older instance's stream failed (fenced): " + fenced);

      Exception stopped = assertThrows(Exception.class, () -> await(first.stop()));
      assertTrue(
          !(stopped instanceof java.util.concurrent.TimeoutException),
          "stopping the fenced instance completed, with its error: " + stopped);
      List<String> projected = awaitEvents(eventsTopic, second, events -> events.size() >= 1);
      assertEquals(1, projected.size(), "one event: " + projected);
      assertTrue(projected.get(0).startsWith("1 hold@"), "the held command's: " + projected);
      await(second.stop());
      writer.close();
    }
  }

  @Test
  void aLogCutDuringTheRebuildMakesItPlanAgainAndSkipsNothing() throws Exception {
    String shard = uniqueShard("cut-rebuild");
    String eventsTopic = createTopics(shard);
    try (KafkaRaftLog log = new KafkaRaftLog(shard, settings, system);
        KafkaSnapshotStore store = new KafkaSnapshotStore(settings)) {
      LogWriter writer = await(log.openWriter(1, "A"));
      AtomicInteger sequence = new AtomicInteger();
      await(writer.append(List.of(barrier(1, "A"))));
      for (int i = 0; i < 30; i++) {
        await(writer.append(commands(sequence, 2)));
      }
      await(writer.append(List.of(command(1, "A", "c", sequence.incrementAndGet(), "mark"))));

      // A replica's view: snapshots at about a third and two thirds of the log.
      CountingMachine replicaMachine = new CountingMachine();
      Applier<String, String> replica = new Applier<>(replicaMachine, 10_000);
      List<TailEvent> all = readThrough(log, 0, e -> isText(e, "mark"), system);
      Snapshot early = null;
      Snapshot late = null;
      for (TailEvent e : all) {
        replica.apply(e);
        if (early == null && replicaMachine.count == 20) {
          early = replica.snapshot();
        }
        if (late == null && replicaMachine.count == 45) {
          late = replica.snapshot();
        }
      }
      await(store.save(shard, early));

      EventProjection.Running first =
          await(projection(shard, eventsTopic, Optional.of(store)).start());
      awaitEvents(eventsTopic, first, ProjectionOverlapTest::hasMark);
      await(first.stop());
      long committed = committedOffset(shard).orElseThrow();
      assertTrue(committed > late.nextIndex(), committed + " > " + late.nextIndex());

      // The next rebuild reads the early snapshot; right then the log is cut between the two
      // snapshots and the late one is saved, as a leader would. Its replay from the early snapshot
      // must fail and plan again, not silently start from the log's end.
      long cut = (early.nextIndex() + late.nextIndex()) / 2;
      Snapshot newer = late;
      CuttingSnapshotStore cutting =
          new CuttingSnapshotStore(store, early, () -> cutAndSave(shard, store, cut, newer));
      await(writer.append(commands(sequence, 5)));
      await(writer.append(List.of(command(1, "A", "c", sequence.incrementAndGet(), "end"))));
      EventProjection.Running second =
          await(projection(shard, eventsTopic, Optional.of(cutting)).start());
      assertTrue(cutting.cutDone.get(), "the log was cut during the rebuild");
      assertEquals(committed, second.resumedAt());
      List<String> projected = awaitEvents(eventsTopic, second, ProjectionOverlapTest::hasEnd);
      await(second.stop());

      // The replica goes on from where it was (it read the log before the cut).
      List<String> expected = new ArrayList<>();
      for (TailEvent e :
          readThrough(log, all.get(all.size() - 1).index() + 1, e -> isText(e, "end"), system)) {
        replica.apply(e).ifPresent(r -> r.events().forEach(ev -> expected.add(payload(ev))));
      }
      List<String> afterMark =
          projected.subList(projected.indexOf(firstWith(projected, "mark")) + 1, projected.size());
      assertEquals(expected, afterMark, "the events after the restart carry the right state");
      writer.close();
    }
  }

  @Test
  void theLogIsNeverCutPastTheProjectionsCommittedOffset() throws Exception {
    String shard = uniqueShard("cut-bound");
    String eventsTopic = createTopics(shard);
    try (KafkaRaftLog log = new KafkaRaftLog(shard, settings, system)) {
      LogWriter writer = await(log.openWriter(1, "A"));
      AtomicInteger sequence = new AtomicInteger();
      await(writer.append(List.of(barrier(1, "A"))));
      await(writer.append(commands(sequence, 10)));
      await(writer.append(List.of(command(1, "A", "c", sequence.incrementAndGet(), "mark"))));
      EventProjection.Running running =
          await(projection(shard, eventsTopic, Optional.empty()).start());
      awaitEvents(eventsTopic, running, ProjectionOverlapTest::hasMark);
      await(running.stop());
      long committed = committedOffset(shard).orElseThrow();
      await(writer.append(commands(sequence, 10)));
      long end = await(log.endIndex());

      await(log.deleteBefore(end));
      assertEquals(committed, (long) await(log.logStartIndex()), "cut at the projection's offset");
      writer.close();
    }
    String unprojected = uniqueShard("cut-free");
    createTopics(unprojected);
    try (KafkaRaftLog log = new KafkaRaftLog(unprojected, settings, system)) {
      LogWriter writer = await(log.openWriter(1, "A"));
      await(writer.append(commands(new AtomicInteger(), 5)));
      await(log.deleteBefore(3));
      assertEquals(3L, (long) await(log.logStartIndex()), "no projection: cut where asked");
      writer.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static String createTopics(String shard) {
    String eventsTopic = "events-" + shard;
    try (TopicAdmin admin = new TopicAdmin(settings)) {
      admin.ensureShardTopics(shard);
      admin.ensureEventsTopic(eventsTopic);
    }
    return eventsTopic;
  }

  private static EventProjection<String, String> projection(
      String shard, String eventsTopic, Optional<SnapshotStore> snapshots) {
    return new EventProjection<>(
        shard, eventsTopic, CountingMachine::new, 10_000, snapshots, settings, system);
  }

  private static List<LogEntry> commands(AtomicInteger sequence, int count) {
    List<LogEntry> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int seq = sequence.incrementAndGet();
      batch.add(command(1, "A", "c", seq, "k" + seq));
    }
    return batch;
  }

  private static void cutAndSave(String shard, SnapshotStore store, long cut, Snapshot newer) {
    try (Admin admin = Admin.create(settings.adminProperties())) {
      admin
          .deleteRecords(
              Map.of(
                  new TopicPartition(TopicNames.log(shard), 0), RecordsToDelete.beforeOffset(cut)))
          .all()
          .get(60, TimeUnit.SECONDS);
      await(store.save(shard, newer));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static OptionalLong committedOffset(String shard) throws Exception {
    try (Admin admin = Admin.create(settings.adminProperties())) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(
                  TopicNames.projectionId(shard),
                  new ListConsumerGroupOffsetsOptions().requireStable(true))
              .partitionsToOffsetAndMetadata()
              .get(60, TimeUnit.SECONDS);
      OffsetAndMetadata o = offsets.get(new TopicPartition(TopicNames.log(shard), 0));
      return o == null ? OptionalLong.empty() : OptionalLong.of(o.offset());
    }
  }

  /** What a replica's applier emits for the log from {@code from} up to the command "end". */
  private static List<String> expectedEvents(KafkaRaftLog log, long from, CountingMachine machine)
      throws Exception {
    Applier<String, String> applier = new Applier<>(machine, 10_000);
    List<String> events = new ArrayList<>();
    for (TailEvent e : readThrough(log, from, e -> isText(e, "end"), system)) {
      applier.apply(e).ifPresent(r -> r.events().forEach(ev -> events.add(payload(ev))));
    }
    return events;
  }

  private static String payload(StateMachine.DomainEvent event) {
    return new String(event.payload(), StandardCharsets.UTF_8);
  }

  private static boolean hasEnd(List<String> events) {
    return firstWith(events, "end") != null;
  }

  private static boolean hasMark(List<String> events) {
    return firstWith(events, "mark") != null;
  }

  private static String firstWith(List<String> events, String command) {
    return events.stream().filter(e -> e.contains(" " + command + "@")).findFirst().orElse(null);
  }

  /** Reads the events topic (read_committed) from its start until {@code done} holds. */
  private static List<String> awaitEvents(
      String topic, java.util.function.Predicate<List<String>> done) {
    return awaitEvents(topic, null, done);
  }

  /**
   * As {@link #awaitEvents(String, java.util.function.Predicate)}, but ends the wait with the
   * projection's own error as soon as its stream fails (so a failure names its cause instead of
   * timing out).
   */
  private static List<String> awaitEvents(
      String topic,
      EventProjection.Running projecting,
      java.util.function.Predicate<List<String>> done) {
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            settings.consumerProperties(null),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      Await.value(
          "events on " + topic,
          TIMEOUT,
          () -> {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
              seen.add(new String(r.value(), StandardCharsets.UTF_8));
            }
            if (done.test(seen)) {
              return Optional.of(Boolean.TRUE);
            }
            CompletableFuture<?> stream =
                projecting == null ? null : projecting.done().toCompletableFuture();
            if (stream != null && stream.isDone()) {
              throw new IllegalStateException(
                  "the projection's stream ended before the events arrived; "
                      + seen.size()
                      + " seen",
                  stream.handle((d, e) -> e).join());
            }
            return Optional.empty();
          },
          () ->
              seen.size()
                  + " events, the last "
                  + (seen.isEmpty() ? "none" : seen.get(seen.size() - 1))
                  + ", consumer at "
                  + consumer.position(partition));
    }
    return seen;
  }

  /**
   * Counts the commands it applied; each event is {@code "<count> <command>@<index>"}, so state
   * rebuilt to the wrong offset shows in every later event.
   */
  static final class CountingMachine implements StateMachine<String, String> {
    private static final Codec<String> UTF8 = Codec.utf8();

    long count;

    @Override
    public Result<String> apply(long index, String command) {
      count++;
      byte[] event = (count + " " + command + "@" + index).getBytes(StandardCharsets.UTF_8);
      return new Result<>(Long.toString(count), List.of(new DomainEvent("c", "applied", event)));
    }

    @Override
    public byte[] snapshot() {
      return Long.toString(count).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void restore(byte[] snapshot) {
      count = Long.parseLong(new String(snapshot, StandardCharsets.UTF_8));
    }

    @Override
    public Codec<String> commandCodec() {
      return UTF8;
    }

    @Override
    public Codec<String> replyCodec() {
      return UTF8;
    }
  }

  /** A {@link CountingMachine} that holds the command {@code held} until released. */
  private static final class HoldingMachine implements StateMachine<String, String> {
    private final CountingMachine counting = new CountingMachine();
    private final String held;
    private final CountDownLatch holding;
    private final CountDownLatch release;

    HoldingMachine(String held, CountDownLatch holding, CountDownLatch release) {
      this.held = held;
      this.holding = holding;
      this.release = release;
    }

    @Override
    public Result<String> apply(long index, String command) {
      if (command.equals(held)) {
        holding.countDown();
        try {
          if (!release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("never released");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return counting.apply(index, command);
    }

    @Override
    public byte[] snapshot() {
      return counting.snapshot();
    }

    @Override
    public void restore(byte[] snapshot) {
      counting.restore(snapshot);
    }

    @Override
    public Codec<String> commandCodec() {
      return counting.commandCodec();
    }

    @Override
    public Codec<String> replyCodec() {
      return counting.replyCodec();
    }
  }

  /**
   * Answers the first {@code latest} with a stale snapshot and, before answering, runs {@code
   * onFirst} (which cuts the log and saves a newer snapshot); later calls go to the real store.
   */
  private static final class CuttingSnapshotStore implements SnapshotStore {
    private final SnapshotStore delegate;
    private final Snapshot stale;
    private final Runnable onFirst;
    final AtomicBoolean cutDone = new AtomicBoolean();

    CuttingSnapshotStore(SnapshotStore delegate, Snapshot stale, Runnable onFirst) {
      this.delegate = delegate;
      this.stale = stale;
      this.onFirst = onFirst;
    }

    @Override
    public CompletionStage<Optional<Snapshot>> latest(String shard) {
      if (cutDone.compareAndSet(false, true)) {
        onFirst.run();
        return CompletableFuture.completedFuture(Optional.of(stale));
      }
      return delegate.latest(shard);
    }

    @Override
    public CompletionStage<Void> save(String shard, Snapshot snapshot) {
      return delegate.save(shard, snapshot);
    }
  }
}
