package dev.shardraft.kafka.projection;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.config.Retries;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.kafka.log.LogRecordFormat;
import dev.shardraft.raft.core.apply.Applier;
import dev.shardraft.raft.core.apply.ApplyResult;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.SnapshotStore;
import dev.shardraft.raft.port.StateMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.Transactional;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects one shard's committed commands into an events topic, exactly once: Pekko Connectors
 * {@code Transactional.source} over {@code raft-log-<shard>} -> decode ({@link LogRecordFormat}) ->
 * the raft core's {@link Applier} over a projection copy of the state machine (the same apply rule
 * and client sessions as every replica, so undecodable, stale-term and duplicate entries are
 * skipped identically and yield no event) -> {@code DomainEvent}s -> {@code Transactional.flow}
 * into the events topic. The events of the consumed records and the consumer offset commit in one
 * Kafka transaction ({@code transactional.id} and consumer group {@code
 * shardraft-projection-<shard>}), so a read_committed consumer downstream sees every event once, in
 * log order (one partition per shard, see {@link EventRecords}).
 *
 * <p><b>Start order</b> (each step needs the one before it; two instances may overlap, e.g. in a
 * rolling deploy, or one may be restarted quickly):
 *
 * <ol>
 *   <li><b>Fence</b>: the stream starts with one pass-through message, which makes {@code
 *       Transactional.flow} create its producer (transactional id {@code
 *       shardraft-projection-<shard>}) and call {@code initTransactions()}; the rebuild waits for
 *       that message's result. Every older instance is now unable to commit, and its open
 *       transaction was aborted or completed by the coordinator before the call returned. The
 *       producer that fenced is the one that commits from here on.
 *   <li><b>Read the offset as stable</b> ({@code requireStable}): a pending transactional offset
 *       commit is waited for, not read around.
 *   <li><b>Rebuild to exactly that offset</b>: the shard's newest snapshot at or below it (and at
 *       or above the log start), then the log up to it ({@link ProjectionStart}). The replay
 *       consumer never moves on its own ({@code auto.offset.reset = none}); if the log is cut under
 *       it, it fails and the rebuild plans again from the new log start and the newest snapshot.
 *   <li><b>Consume from exactly that offset</b> ({@code assignmentWithOffset}, concatenated behind
 *       the first message, through the same {@code Transactional.flow}); the stream fails if the
 *       first record delivered is below it.
 * </ol>
 *
 * <p>So an instance that started earlier either committed before the fence (and the stable read
 * sees it) or cannot commit at all: no event is emitted twice and the state never misses a range.
 * (Pekko Connectors' transactional stage creates its producer, and fences, only when its first
 * message arrives; reading the offset before that left a window in which another instance could
 * commit past the offset this one was rebuilding to.) A failed stream (a broker error, a throwing
 * state machine, being fenced by a newer instance) aborts its open transaction and tears its stages
 * down (its consumer is closed; {@link Running#stop} completes with the error); call {@link #start}
 * again to resume. The log must not be cut past the projection's committed offset: {@code
 * KafkaRaftLog.deleteBefore} never cuts past it, and start fails clearly if the log was cut past it
 * anyway. A new projection has no committed offset until its first commit; until then it starts
 * from the log start or the newest snapshot, whichever covers the log.
 *
 * @param <C> command type
 * @param <R> reply type
 */
public final class EventProjection<C, R> {

  private static final Logger LOG = LoggerFactory.getLogger(EventProjection.class);

  private final String shard;
  private final String eventsTopic;
  private final Supplier<StateMachine<C, R>> stateMachines;
  private final long sessionExpiryPositions;
  private final Optional<SnapshotStore> snapshots;
  private final KafkaSettings settings;
  private final ClassicActorSystemProvider system;
  private final TopicPartition logPartition;
  private final String projectionId;

  /**
   * @param stateMachines makes a fresh, empty state machine for each start
   * @param sessionExpiryPositions the session expiry window to start with; the window in force is
   *     the replicated one, carried by every barrier and snapshot (so a projection configured
   *     otherwise still expires sessions where the replicas do); this value only decides for a log
   *     written by an earlier version, whose barriers carry none
   * @param snapshots the shard's snapshot store, to rebuild from a snapshot instead of the log
   *     start; empty to always replay from the log start
   */
  public EventProjection(
      String shard,
      String eventsTopic,
      Supplier<StateMachine<C, R>> stateMachines,
      long sessionExpiryPositions,
      Optional<SnapshotStore> snapshots,
      KafkaSettings settings,
      ClassicActorSystemProvider system) {
    this.shard = TopicNames.checked(shard);
    this.eventsTopic = eventsTopic;
    this.stateMachines = stateMachines;
    this.sessionExpiryPositions = sessionExpiryPositions;
    this.snapshots = snapshots;
    this.settings = settings;
    this.system = system;
    this.logPartition = new TopicPartition(TopicNames.log(shard), 0);
    this.projectionId = TopicNames.projectionId(shard);
  }

  /** A running projection stream. */
  public interface Running {
    /** Completes when the stream ends: normally after {@link #stop}, exceptionally on failure. */
    CompletionStage<Done> done();

    /** Stops consuming, commits what was consumed, and completes when the stream is down. */
    CompletionStage<Done> stop();

    /** The log index the stream resumed at. */
    long resumedAt();
  }

  /**
   * Starts the stream: fences older instances with the sink's own producer, then rebuilds the state
   * (on a separate thread) and consumes from exactly the offset it was rebuilt to. Completes when
   * consuming has started, or exceptionally if fencing or the rebuild failed.
   */
  public CompletionStage<Running> start() {
    Executor rebuildThread =
        task -> {
          Thread t = new Thread(task, "shardraft-projection-rebuild-" + shard);
          t.setDaemon(true);
          t.start();
        };
    CompletableFuture<Void> fenced = new CompletableFuture<>();
    CompletableFuture<Rebuilt<C, R>> rebuilt =
        fenced.thenApplyAsync(fencedNow -> rebuild(), rebuildThread);
    ConsumerMessage.PartitionOffset probe =
        new ConsumerMessage.PartitionOffset(
            new ConsumerMessage.GroupTopicPartition(
                projectionId, logPartition.topic(), logPartition.partition()),
            -1L);
    Source<ProducerMessage.Envelope<byte[], byte[], ConsumerMessage.PartitionOffset>, NotUsed>
        first = Source.single(ProducerMessage.passThrough(probe));
    Source<
            ProducerMessage.Envelope<byte[], byte[], ConsumerMessage.PartitionOffset>,
            CompletionStage<Consumer.Control>>
        consumed = Source.completionStageSource(rebuilt.thenApply(this::consume));
    // A materializer of this run's own, so that a failed run can be torn down (see below).
    Materializer materializer = Materializer.createMaterializer(system);
    Pair<CompletionStage<Consumer.Control>, CompletionStage<Done>> materialized =
        first
            .concatMat(consumed, Keep.right())
            .via(Transactional.flow(settings.producerSettings(system), projectionId))
            .toMat(
                Sink.foreach(
                    result -> {
                      if (result.passThrough() == probe) {
                        fenced.complete(null); // the stage's initTransactions() has returned
                      }
                    }),
                Keep.both())
            .run(materializer);
    CompletionStage<Done> completion = materialized.second();
    completion.whenComplete(
        (done, error) -> {
          // When the transactional flow fails (fenced by a newer instance, a broker error), Pekko
          // Connectors' Transactional.source waits for its in-flight records to be committed
          // before it stops its consumer, and nothing will ever commit them: it drained forever,
          // holding its KafkaConsumer, and stop() (drainAndShutdown) never completed. Nothing of
          // a failed run remains to be committed, so its stages are aborted: the source's
          // postStop stops the consumer, and stop() completes with the run's error.
          if (error != null) {
            materializer.shutdown();
          }
          fenced.completeExceptionally(
              error != null
                  ? error
                  : new IllegalStateException("projection stopped while starting"));
          if (error != null) {
            LOG.warn(
                "Projection of {} into {} failed; its open transaction is aborted, start it"
                    + " again to resume",
                shard,
                eventsTopic,
                error);
          } else {
            LOG.info("Projection of {} into {} stopped", shard, eventsTopic);
          }
        });
    return rebuilt.thenCombine(
        materialized.first(),
        (r, control) -> running(r.resumeAt(), control, completion, materializer));
  }

  private Running running(
      long resumeAt,
      Consumer.Control control,
      CompletionStage<Done> done,
      Materializer materializer) {
    return new Running() {
      @Override
      public CompletionStage<Done> done() {
        return done;
      }

      @Override
      public CompletionStage<Done> stop() {
        return control
            .drainAndShutdown(done, system.classicSystem().dispatcher())
            .whenComplete((stopped, error) -> materializer.shutdown());
      }

      @Override
      public long resumedAt() {
        return resumeAt;
      }
    };
  }

  private record Rebuilt<C, R>(Applier<C, R> applier, long resumeAt, int eventPartition) {}

  /**
   * After the fence: reads the committed offset as stable and rebuilds the state to exactly it,
   * planning again if the log is cut under the replay. See the class comment for the order.
   */
  private Rebuilt<C, R> rebuild() {
    long started = System.nanoTime();
    try (Admin admin = Admin.create(settings.adminProperties())) {
      OptionalLong committed = committedOffset(admin);
      for (int attempt = 1; ; attempt++) {
        ProjectionStart plan = plan(admin, committed);
        Applier<C, R> applier = new Applier<>(stateMachines.get(), sessionExpiryPositions);
        plan.snapshot().ifPresent(applier::restore);
        long replayed;
        try {
          replayed = replay(applier, plan.replayFrom(), plan.resumeAt());
        } catch (OffsetOutOfRangeException | NoOffsetForPartitionException e) {
          if (attempt >= settings.retry().attempts()) {
            throw new IllegalStateException(
                "rebuilding the projection of "
                    + shard
                    + ": the log was cut under its replay "
                    + attempt
                    + " times",
                e);
          }
          LOG.warn(
              "Projection of {}: the log was cut below {} during the replay (attempt {}),"
                  + " planning again from the log start and the newest snapshot",
              shard,
              plan.replayFrom(),
              attempt);
          continue;
        }
        int partitions = eventPartitions(admin);
        LOG.info(
            "Projection of {} rebuilt in {} ms: older instances fenced, committed offset {},"
                + " snapshot {}, replayed {} records, resuming at {}",
            shard,
            (System.nanoTime() - started) / 1_000_000,
            committed.isPresent() ? committed.getAsLong() : "none",
            plan.snapshot().map(Snapshot::toString).orElse("none"),
            replayed,
            plan.resumeAt());
        return new Rebuilt<>(
            applier, plan.resumeAt(), EventRecords.partitionFor(shard, partitions));
      }
    }
  }

  private ProjectionStart plan(Admin admin, OptionalLong committed) {
    long logStart =
        call(
            "querying the log start of " + logPartition.topic(),
            () ->
                admin
                    .listOffsets(Map.of(logPartition, OffsetSpec.earliest()))
                    .partitionResult(logPartition)
                    .get(timeoutMs(), TimeUnit.MILLISECONDS)
                    .offset());
    Optional<Snapshot> latest =
        snapshots.isEmpty()
            ? Optional.empty()
            : call(
                "loading the newest snapshot of " + shard,
                () ->
                    snapshots
                        .get()
                        .latest(shard)
                        .toCompletableFuture()
                        .get(timeoutMs(), TimeUnit.MILLISECONDS));
    return ProjectionStart.plan(shard, committed, logStart, latest);
  }

  private int eventPartitions(Admin admin) {
    return call(
        "describing " + eventsTopic,
        () ->
            admin
                .describeTopics(List.of(eventsTopic))
                .allTopicNames()
                .get(timeoutMs(), TimeUnit.MILLISECONDS)
                .get(eventsTopic)
                .partitions()
                .size());
  }

  /**
   * The group's committed offset on the log, read as stable: an offset commit of a transaction that
   * is not yet complete makes the broker answer "retry" until it is, instead of the older value.
   */
  private OptionalLong committedOffset(Admin admin) {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        call(
            "reading the offsets of " + projectionId,
            () ->
                admin
                    .listConsumerGroupOffsets(
                        projectionId, new ListConsumerGroupOffsetsOptions().requireStable(true))
                    .partitionsToOffsetAndMetadata()
                    .get(timeoutMs(), TimeUnit.MILLISECONDS));
    OffsetAndMetadata offset = offsets.get(logPartition);
    return offset == null ? OptionalLong.empty() : OptionalLong.of(offset.offset());
  }

  /**
   * Applies the log records in [from, until) to {@code applier}; returns how many it read. The
   * consumer never moves on its own ({@code auto.offset.reset = none}): if the log is cut above its
   * position, reading fails with {@link OffsetOutOfRangeException} and the caller plans again.
   */
  private long replay(Applier<C, R> applier, long from, long until) {
    if (from >= until) {
      return 0;
    }
    long read = 0;
    Map<String, Object> props = settings.consumerProperties(null);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(List.of(logPartition));
      consumer.seek(logPartition, from);
      long deadline = System.nanoTime() + settings.operationTimeout().toNanos() * 10;
      long expected = from;
      while (consumer.position(logPartition, settings.operationTimeout()) < until) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "replaying "
                  + logPartition.topic()
                  + " from "
                  + from
                  + " to "
                  + until
                  + " did not finish; stuck at "
                  + consumer.position(logPartition));
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < expected) {
            throw new IllegalStateException(
                "replay of "
                    + logPartition
                    + " went back to "
                    + record.offset()
                    + " from "
                    + expected);
          }
          expected = record.offset() + 1;
          if (record.offset() < until) {
            applier.apply(LogRecordFormat.decode(record));
            read++;
          }
        }
      }
    }
    return read;
  }

  /** Consumes the log from exactly the offset the state was rebuilt to. */
  private Source<
          ProducerMessage.Envelope<byte[], byte[], ConsumerMessage.PartitionOffset>,
          Consumer.Control>
      consume(Rebuilt<C, R> rebuilt) {
    Applier<C, R> applier = rebuilt.applier();
    FirstOffsetCheck firstOffset = new FirstOffsetCheck(logPartition, rebuilt.resumeAt());
    return Transactional.source(
            settings
                .consumerSettings(system, projectionId)
                // Never jump silently: if the log is cut past this consumer's position, the stream
                // fails (OffsetOutOfRangeException) instead of skipping the cut entries' events; a
                // restart then rebuilds from a snapshot or refuses clearly.
                .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"),
            Subscriptions.assignmentWithOffset(logPartition, rebuilt.resumeAt()))
        .map(
            message -> {
              firstOffset.check(message.record().offset());
              return toEnvelope(applier, rebuilt.eventPartition(), message);
            });
  }

  /**
   * Fails the stream if the first record delivered lies below the offset the state was rebuilt to
   * (its events would be emitted twice). A first record above it is normal: transaction markers and
   * aborted records use offsets that a read_committed consumer never delivers.
   */
  private static final class FirstOffsetCheck {
    private final TopicPartition partition;
    private final long resumeAt;
    private boolean checked;

    FirstOffsetCheck(TopicPartition partition, long resumeAt) {
      this.partition = partition;
      this.resumeAt = resumeAt;
    }

    void check(long offset) {
      if (checked) {
        return;
      }
      checked = true;
      if (offset < resumeAt) {
        throw new IllegalStateException(
            "projection of "
                + partition
                + " was rebuilt to offset "
                + resumeAt
                + " but its consumer delivered "
                + offset
                + " first");
      }
    }
  }

  private ProducerMessage.Envelope<byte[], byte[], ConsumerMessage.PartitionOffset> toEnvelope(
      Applier<C, R> applier,
      int partition,
      ConsumerMessage.TransactionalMessage<byte[], byte[]> message) {
    Optional<ApplyResult> result = applier.apply(LogRecordFormat.decode(message.record()));
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    result.ifPresent(
        r ->
            r.events()
                .forEach(
                    event ->
                        records.add(
                            EventRecords.toRecord(
                                eventsTopic, partition, shard, r.index(), event))));
    if (records.isEmpty()) {
      return ProducerMessage.passThrough(message.partitionOffset());
    }
    return ProducerMessage.multi(records, message.partitionOffset());
  }

  private <T> T call(String operation, Retries.Call<T> call) {
    return Retries.withBackoff(operation, settings.retry(), call);
  }

  private long timeoutMs() {
    return settings.operationTimeout().toMillis();
  }
}
