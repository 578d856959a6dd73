package dev.shardraft.kafka.log;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.config.Retries;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.raft.port.LogTruncatedException;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.RaftLog;
import dev.shardraft.raft.port.TailEvent;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.stream.Graph;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RaftLog} of one shard on the single-partition topic {@code raft-log-<shard>}: one
 * instance per replica (its {@link #metrics()} count what this replica's tails delivered).
 *
 * <ul>
 *   <li>{@link #openWriter}: a {@link KafkaLogWriter}; see there for transactions and fencing.
 *   <li>{@link #tail}: Pekko Connectors {@code Consumer.plainSource} on a manual assignment, no
 *       consumer group, {@code isolation.level=read_committed}; each record becomes a {@link
 *       TailEvent} through {@link LogRecordFormat#decode}, which never throws. A {@code fromIndex}
 *       below the log start fails the stream with {@link LogTruncatedException}, one beyond the
 *       log's end with {@link IllegalArgumentException} (the log was lost or replaced); the log end
 *       itself is a valid start. The consumer runs with {@code auto.offset.reset=none}: when its
 *       fetch position is below the log start (records deleted between the check and the first
 *       fetch, or while the tail lagged), it raises {@code OffsetOutOfRangeException}, which the
 *       stream turns into {@link LogTruncatedException} instead of moving to the log start.
 *   <li>{@link #deleteBefore}: {@code Admin.deleteRecords}.
 * </ul>
 *
 * <p>The topic must exist (see {@code dev.shardraft.kafka.admin.TopicAdmin}). Close the log to
 * release its admin client; open writers and running tails are closed by their own owners.
 *
 * <p>Made with its public constructor, the log owns its clients: an admin client with a thread, and
 * one Kafka consumer per running tail. Made by {@link SharedLogClients#log}, it shares the node's
 * admin client and tail consumers with every other log made there; its tails are then {@code
 * Consumer.plainExternalSource} on a shared {@code KafkaConsumerActor}, with the same contract
 * (closing such a log closes nothing).
 */
public final class KafkaRaftLog implements RaftLog, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaRaftLog.class);

  private final String shard;
  private final TopicPartition partition;
  private final KafkaSettings settings;
  private final TailConsumers consumers;
  private final LogMetrics metrics;
  private final SkipLog skipLog;
  private final Admin admin;
  private final Executor adminThread;
  private final Runnable closeOwned;

  /**
   * A log with clients of its own: an admin client and its thread, and one Kafka consumer per
   * running tail. For one group (tests, the sample's single-JVM group); a node hosting many groups
   * uses {@link SharedLogClients#log} instead.
   */
  public KafkaRaftLog(String shard, KafkaSettings settings, ClassicActorSystemProvider system) {
    this(shard, settings, ownClients(shard, settings, system));
  }

  /**
   * A log on clients it does not own (closing it leaves them open): see {@link SharedLogClients}.
   */
  KafkaRaftLog(String shard, KafkaSettings settings, Clients clients) {
    this.shard = TopicNames.checked(shard);
    this.partition = new TopicPartition(TopicNames.log(shard), 0);
    this.settings = settings;
    this.consumers = clients.consumers();
    this.metrics = new LogMetrics(shard);
    this.skipLog = new SkipLog(partition.topic());
    this.admin = clients.admin();
    this.adminThread = clients.adminThread();
    this.closeOwned = clients.closeOwned();
  }

  /** Where a log's tail records come from: a source of one partition from an offset on. */
  @FunctionalInterface
  interface TailConsumers {
    Source<ConsumerRecord<byte[], byte[]>, ?> from(TopicPartition partition, long offset);
  }

  /** The clients a log works with, and what closing the log closes. */
  record Clients(TailConsumers consumers, Admin admin, Executor adminThread, Runnable closeOwned) {}

  /** The consumer settings of every tail: read_committed (owned), never moving on its own. */
  static ConsumerSettings<byte[], byte[]> tailSettings(
      KafkaSettings settings, ClassicActorSystemProvider system) {
    return settings
        .consumerSettings(system, null)
        // Never move a tail on its own: a position below the log start must fail it.
        .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
  }

  private static Clients ownClients(
      String shard, KafkaSettings settings, ClassicActorSystemProvider system) {
    ConsumerSettings<byte[], byte[]> tailSettings = tailSettings(settings, system);
    Admin admin = Admin.create(settings.adminProperties());
    ExecutorService adminThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "shardraft-log-admin-" + shard);
              t.setDaemon(true);
              return t;
            });
    return new Clients(
        (partition, offset) ->
            Consumer.plainSource(
                tailSettings, Subscriptions.assignmentWithOffset(partition, offset)),
        admin,
        adminThread,
        () -> {
          adminThread.shutdown();
          admin.close(settings.operationTimeout());
        });
  }

  @Override
  public String shard() {
    return shard;
  }

  /** The topic this log lives in. */
  public String topic() {
    return partition.topic();
  }

  /** What this log's tails have delivered so far. */
  public LogMetrics metrics() {
    return metrics;
  }

  @Override
  public CompletionStage<LogWriter> openWriter(long term, String leaderId) {
    if (term < 1) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new IllegalArgumentException("term must be >= 1, was " + term));
    }
    return KafkaLogWriter.open(shard, term, leaderId, settings);
  }

  @Override
  public Source<TailEvent, NotUsed> tail(long fromIndex) {
    if (fromIndex < 0) {
      throw new IllegalArgumentException("fromIndex must be >= 0, was " + fromIndex);
    }
    return Source.completionStage(startIndex(fromIndex))
        .flatMapConcat(start -> consumers.from(partition, start))
        .map(LogRecordFormat::decode)
        .map(this::observe)
        .recoverWithRetries(
            1,
            new PFBuilder<Throwable, Graph<SourceShape<TailEvent>, NotUsed>>()
                .match(OffsetOutOfRangeException.class, this::outOfRange)
                .build());
  }

  /**
   * Pekko Connectors fails {@code plainSource} with the consumer's own exception (the consumer
   * actor sends it to the stage and stops). Out of range below the log start means the records at
   * the fetch position were deleted: {@link LogTruncatedException}. Out of range otherwise (above
   * the log end: the topic was replaced) stays a plain failure.
   */
  private Source<TailEvent, NotUsed> outOfRange(OffsetOutOfRangeException e) {
    Long position = e.offsetOutOfRangePartitions().get(partition);
    return Source.completionStage(
        OnThread.<TailEvent>run(
            adminThread,
            () -> {
              long start = logStartIndexNow();
              if (position == null) {
                // A consumer shared with other logs failed on another partition (every tail on it
                // fails alike): a plain failure, the tail restarts where it was.
                throw new IllegalStateException(
                    "the tail consumer of "
                        + partition.topic()
                        + " is shared and failed on "
                        + e.offsetOutOfRangePartitions().keySet(),
                    e);
              }
              if (position < start) {
                throw new LogTruncatedException(shard, position, start, e);
              }
              throw new IllegalStateException(
                  "the tail of "
                      + partition.topic()
                      + " at "
                      + position
                      + " is out of range, yet the log starts at "
                      + start
                      + " (was the topic deleted and recreated?)",
                  e);
            }));
  }

  private TailEvent observe(TailEvent event) {
    metrics.record(event);
    if (event instanceof TailEvent.Undecodable u) {
      skipLog.skipped(u);
    }
    return event;
  }

  private CompletionStage<Long> startIndex(long fromIndex) {
    return OnThread.run(
        adminThread,
        () -> {
          long start = logStartIndexNow();
          long end = endIndexNow();
          if (fromIndex > end) {
            throw new IllegalArgumentException(
                "cannot tail "
                    + partition.topic()
                    + " from "
                    + fromIndex
                    + ": the log ends at "
                    + end
                    + " (was the topic deleted and recreated?)");
          }
          if (fromIndex < start) {
            throw new LogTruncatedException(shard, fromIndex, start);
          }
          return fromIndex;
        });
  }

  /** The lowest index still in the log (0 until {@link #deleteBefore} removed a prefix). */
  public CompletionStage<Long> logStartIndex() {
    return OnThread.run(adminThread, this::logStartIndexNow);
  }

  /** The index the next record will get (Kafka's log end offset). */
  public CompletionStage<Long> endIndex() {
    return OnThread.run(adminThread, this::endIndexNow);
  }

  private long logStartIndexNow() {
    return offset(OffsetSpec.earliest(), "log start of ");
  }

  private long endIndexNow() {
    return offset(OffsetSpec.latest(), "log end of ");
  }

  private long offset(OffsetSpec spec, String what) {
    return Retries.withBackoff(
        "querying the " + what + partition.topic(),
        settings.retry(),
        () ->
            admin
                .listOffsets(Map.of(partition, spec))
                .partitionResult(partition)
                .get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .offset());
  }

  /**
   * Deletes the records below {@code index}, but never past the committed offset of the shard's
   * event projection (group {@code shardraft-projection-<shard>}, read as stable): its next start
   * rebuilds its state from a snapshot at or below that offset plus the log after it, so the log
   * there must stay. Without a projection group the cut is {@code index}.
   */
  @Override
  public CompletionStage<Void> deleteBefore(long index) {
    return OnThread.run(
        adminThread,
        () -> {
          long cut = Math.min(index, projectionOffset().orElse(index));
          if (cut < index) {
            LOG.info(
                "Cutting {} before {} instead of {}: the projection has not consumed past it",
                partition.topic(),
                cut,
                index);
          }
          Retries.withBackoff(
              "deleting records of " + partition.topic() + " before " + cut,
              settings.retry(),
              () ->
                  admin
                      .deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(cut)))
                      .all()
                      .get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS));
          return (Void) null;
        });
  }

  /** The committed offset of the shard's projection on this log, if it has one. */
  private OptionalLong projectionOffset() {
    String group = TopicNames.projectionId(shard);
    Map<TopicPartition, OffsetAndMetadata> offsets =
        Retries.withBackoff(
            "reading the offsets of " + group,
            settings.retry(),
            () ->
                admin
                    .listConsumerGroupOffsets(
                        group, new ListConsumerGroupOffsetsOptions().requireStable(true))
                    .partitionsToOffsetAndMetadata()
                    .get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS));
    OffsetAndMetadata offset = offsets.get(partition);
    return offset == null ? OptionalLong.empty() : OptionalLong.of(offset.offset());
  }

  @Override
  public void close() {
    closeOwned.run();
  }

  @Override
  public String toString() {
    return "KafkaRaftLog[" + partition.topic() + "]";
  }
}
