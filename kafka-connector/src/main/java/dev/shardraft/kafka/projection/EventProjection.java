package dev.shardraft.kafka.projection;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.config.Retry;
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
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.Transactional;
import org.apache.pekko.stream.javadsl.Keep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects one shard's committed commands into an events topic, exactly once: Pekko Connectors
 * {@code Transactional.source} over {@code raft-log-<shard>} -> decode ({@link LogRecordFormat}) ->
 * the raft core's {@link Applier} over a projection copy of the state machine (the same apply rule
 * and client sessions as every replica, so undecodable, stale-term and duplicate entries are
 * skipped identically and yield no event) -> {@code DomainEvent}s -> {@code Transactional.sink}
 * into the events topic. The events of the consumed records and the consumer offset commit in one
 * Kafka transaction ({@code transactional.id} and consumer group {@code
 * shardraft-projection-<shard>}), so a read_committed consumer downstream sees every event once, in
 * log order (one partition per shard, see {@link EventRecords}).
 *
 * <p><b>State across restarts.</b> The projection's state must match the committed offset, not
 * whatever the crashed instance had applied. So every {@link #start} rebuilds it: it reads the
 * group's committed offset, restores the shard's newest snapshot if that lies at or below the
 * offset (and at or above the log start), replays the log up to the offset, and only then starts
 * the stream, which resumes at the offset ({@link ProjectionStart}). A failed stream (a broker
 * error, a throwing state machine) aborts its open transaction; call {@link #start} again to
 * resume. The log must not be truncated past the projection's committed offset (start fails clearly
 * if it was).
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
   * @param sessionExpiryPositions the replicas' session expiry (must be the same, or sessions
   *     expire differently than on the replicas)
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

  /** Rebuilds the state (on a separate thread) and starts the stream. */
  public CompletionStage<Running> start() {
    Executor rebuildThread =
        task -> {
          Thread t = new Thread(task, "shardraft-projection-rebuild-" + shard);
          t.setDaemon(true);
          t.start();
        };
    return CompletableFuture.supplyAsync(this::rebuild, rebuildThread).thenApply(this::run);
  }

  private record Rebuilt<C, R>(Applier<C, R> applier, long resumeAt, int eventPartition) {}

  private Rebuilt<C, R> rebuild() {
    long started = System.nanoTime();
    try (Admin admin = Admin.create(settings.adminProperties())) {
      OptionalLong committed = committedOffset(admin);
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
      ProjectionStart plan = ProjectionStart.plan(shard, committed, logStart, latest);
      Applier<C, R> applier = new Applier<>(stateMachines.get(), sessionExpiryPositions);
      plan.snapshot().ifPresent(applier::restore);
      long replayed = replay(applier, plan.replayFrom(), plan.resumeAt());
      if (plan.seedOffset()) {
        call(
            "seeding the offset of " + projectionId,
            () ->
                admin
                    .alterConsumerGroupOffsets(
                        projectionId, Map.of(logPartition, new OffsetAndMetadata(plan.resumeAt())))
                    .all()
                    .get(timeoutMs(), TimeUnit.MILLISECONDS));
      }
      int partitions =
          call(
              "describing " + eventsTopic,
              () ->
                  admin
                      .describeTopics(List.of(eventsTopic))
                      .allTopicNames()
                      .get(timeoutMs(), TimeUnit.MILLISECONDS)
                      .get(eventsTopic)
                      .partitions()
                      .size());
      LOG.info(
          "Projection of {} rebuilt in {} ms: committed offset {}, snapshot {}, replayed {} records,"
              + " resuming at {}",
          shard,
          (System.nanoTime() - started) / 1_000_000,
          committed.isPresent() ? committed.getAsLong() : "none",
          plan.snapshot().map(Snapshot::toString).orElse("none"),
          replayed,
          plan.resumeAt());
      return new Rebuilt<>(applier, plan.resumeAt(), EventRecords.partitionFor(shard, partitions));
    }
  }

  private OptionalLong committedOffset(Admin admin) {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        call(
            "reading the offsets of " + projectionId,
            () ->
                admin
                    .listConsumerGroupOffsets(projectionId)
                    .partitionsToOffsetAndMetadata()
                    .get(timeoutMs(), TimeUnit.MILLISECONDS));
    OffsetAndMetadata offset = offsets.get(logPartition);
    return offset == null ? OptionalLong.empty() : OptionalLong.of(offset.offset());
  }

  /** Applies the log records in [from, until) to {@code applier}; returns how many it read. */
  private long replay(Applier<C, R> applier, long from, long until) {
    if (from >= until) {
      return 0;
    }
    long read = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(settings.consumerProperties(null))) {
      consumer.assign(List.of(logPartition));
      consumer.seek(logPartition, from);
      long deadline = System.nanoTime() + settings.operationTimeout().toNanos() * 10;
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
          if (record.offset() < until) {
            applier.apply(LogRecordFormat.decode(record));
            read++;
          }
        }
      }
    }
    return read;
  }

  private Running run(Rebuilt<C, R> rebuilt) {
    Applier<C, R> applier = rebuilt.applier();
    Consumer.DrainingControl<Done> control =
        Transactional.source(
                settings
                    .consumerSettings(system, projectionId)
                    // Never jump silently: if the log is cut past this consumer's position, the
                    // stream fails (OffsetOutOfRangeException) instead of skipping the cut entries'
                    // events; a restart then rebuilds from a snapshot or refuses clearly.
                    .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"),
                Subscriptions.assignment(logPartition))
            .map(message -> toEnvelope(applier, rebuilt.eventPartition(), message))
            .toMat(Transactional.sink(settings.producerSettings(system), projectionId), Keep.both())
            .mapMaterializedValue(Consumer::createDrainingControl)
            .run(system);
    control
        .streamCompletion()
        .whenComplete(
            (done, error) -> {
              if (error != null) {
                LOG.warn(
                    "Projection of {} into {} failed; its open transaction is aborted, start it again to resume",
                    shard,
                    eventsTopic,
                    error);
              } else {
                LOG.info("Projection of {} into {} stopped", shard, eventsTopic);
              }
            });
    return new Running() {
      @Override
      public CompletionStage<Done> done() {
        return control.streamCompletion();
      }

      @Override
      public CompletionStage<Done> stop() {
        return control.drainAndShutdown(system.classicSystem().dispatcher());
      }

      @Override
      public long resumedAt() {
        return rebuilt.resumeAt();
      }
    };
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

  private <T> T call(String operation, Retry.Call<T> call) {
    return Retry.withBackoff(operation, settings.retry(), call);
  }

  private long timeoutMs() {
    return settings.operationTimeout().toMillis();
  }
}
