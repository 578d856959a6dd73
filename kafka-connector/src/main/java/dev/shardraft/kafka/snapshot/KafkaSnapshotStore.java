package dev.shardraft.kafka.snapshot;

import dev.shardraft.kafka.config.KafkaOperationException;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.config.Retries;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.kafka.log.TopicsReader;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.SnapshotStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SnapshotStore} on the compacted topics {@code raft-snapshot-<shard>} (one record per
 * snapshot, key = shard; see {@link SnapshotRecordFormat}).
 *
 * <ul>
 *   <li>{@link #latest}: reads the topic to its end (incrementally after the first call) and
 *       returns the snapshot with the highest {@code nextIndex} seen, among those read and those
 *       saved here. A record that is not a snapshot is skipped with a WARN.
 *   <li>{@link #save}: first catches up, then, if a snapshot with a higher {@code nextIndex} is
 *       already known, does nothing (the port's "a lower save never replaces it"); otherwise sends
 *       with an idempotent {@code acks=all} producer and completes after the broker's ack.
 *   <li>Size: the producer's {@code max.request.size} and the topic's {@code max.message.bytes} are
 *       {@code shardraft.kafka.topics.snapshot-max-message-bytes} (16 MiB by default); a larger
 *       snapshot fails its save with a {@link KafkaOperationException} that says so.
 * </ul>
 *
 * <p>All work runs on the store's own thread, and all reads on one Kafka consumer for every shard
 * ({@link TopicsReader}), so a group costs the node no consumer of its own. Residual race: two
 * processes saving snapshots of one shard at the same moment can leave the lower one last in the
 * topic, which compaction then keeps; {@link RecoveryStart} refuses to start from a snapshot that
 * leaves a gap before the log start, so such a race is detected, never silently applied.
 */
public final class KafkaSnapshotStore implements SnapshotStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaSnapshotStore.class);

  private final KafkaSettings settings;
  private final Producer<byte[], byte[]> producer;
  private final ExecutorService thread;
  private final TopicsReader reader;
  private final Map<String, Snapshot> latest = new HashMap<>();

  public KafkaSnapshotStore(KafkaSettings settings) {
    this.settings = settings;
    Map<String, Object> props = settings.producerProperties(null);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.topics().snapshotMaxMessageBytes());
    this.producer = new KafkaProducer<>(props);
    this.reader = new TopicsReader(settings);
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "shardraft-snapshot-store");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public CompletionStage<Optional<Snapshot>> latest(String shard) {
    return onThread(
        () -> {
          catchUp(shard);
          return Optional.ofNullable(latest.get(shard));
        });
  }

  @Override
  public CompletionStage<Void> save(String shard, Snapshot snapshot) {
    return onThread(
        () -> {
          catchUp(shard);
          Snapshot known = latest.get(shard);
          if (known != null && known.nextIndex() > snapshot.nextIndex()) {
            LOG.info("Not saving {} of {}: {} is newer", snapshot, shard, known);
            return null;
          }
          String topic = TopicNames.snapshot(shard);
          try {
            producer
                .send(SnapshotRecordFormat.encode(topic, shard, snapshot))
                .get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
          } catch (Exception e) {
            throw new KafkaOperationException(
                "saving "
                    + snapshot
                    + " of "
                    + shard
                    + " to "
                    + topic
                    + " failed (the limit is "
                    + settings.topics().snapshotMaxMessageBytes()
                    + " bytes): "
                    + Retries.unwrap(e),
                Retries.unwrap(e));
          }
          latest.put(shard, snapshot);
          LOG.info("Saved {} of {}", snapshot, shard);
          return null;
        });
  }

  private void catchUp(String shard) {
    Retries.withBackoff(
        "reading " + TopicNames.snapshot(shard),
        settings.retry(),
        () -> {
          reader.catchUp(
              TopicNames.snapshot(shard),
              record -> {
                try {
                  Snapshot read = SnapshotRecordFormat.decode(record);
                  Snapshot known = latest.get(shard);
                  if (known == null || read.nextIndex() >= known.nextIndex()) {
                    latest.put(shard, read);
                  }
                } catch (IllegalArgumentException e) {
                  LOG.warn(
                      "Skipping record {}@{} of {}: {}",
                      record.topic(),
                      record.offset(),
                      shard,
                      e.getMessage());
                }
              });
          return null;
        });
  }

  private <T> CompletionStage<T> onThread(Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    thread.execute(
        () -> {
          try {
            result.complete(work.get());
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  @Override
  public void close() {
    thread.execute(reader::close);
    thread.shutdown();
    producer.close(settings.operationTimeout());
  }
}
