package dev.shardraft.kafka.meta;

import dev.shardraft.kafka.config.KafkaOperationException;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.config.Retry;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.kafka.log.TopicReader;
import dev.shardraft.raft.port.RaftMetaStore;
import dev.shardraft.raft.port.TermAndVote;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@link RaftMetaStore} on the compacted topic {@code raft-meta}: key {@code <shard>/<replica>},
 * value {@link TermAndVoteFormat}.
 *
 * <p>{@link #save} sends with an idempotent {@code acks=all} producer and completes only when the
 * broker acknowledged the record (so it is on {@code min.insync.replicas} replicas); the value is
 * then also kept in memory. {@link #load} first reads whatever was added to the topic since the
 * last load, up to the topic's end as of now (the first load reads it all), then answers from
 * memory: so it returns the latest value saved by any process, as the port requires, while a
 * repeated load costs one end-offset query. Of two values of a key (one read, one saved here), the
 * one at the higher offset wins. Loads run on the store's own thread.
 *
 * <p>A value in the topic that is not in the format is bad input: the load of that key fails with
 * {@link IllegalStateException} naming the key; other keys are unaffected.
 */
public final class KafkaMetaStore implements RaftMetaStore, AutoCloseable {

  private final KafkaSettings settings;
  private final Producer<byte[], byte[]> producer;
  private final ExecutorService readerThread;
  private final TopicReader reader;
  private final Map<String, Versioned> latest = new ConcurrentHashMap<>();

  /** A value with the offset it was written at: of two values of a key, the later offset wins. */
  private record Versioned(long offset, byte[] value) {
    static Versioned newer(Versioned a, Versioned b) {
      return b.offset > a.offset ? b : a;
    }
  }

  public KafkaMetaStore(KafkaSettings settings) {
    this.settings = settings;
    this.producer = new KafkaProducer<>(settings.producerProperties(null));
    this.reader = new TopicReader(TopicNames.META, settings);
    this.readerThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "shardraft-meta-reader");
              t.setDaemon(true);
              return t;
            });
  }

  static String key(String shard, String replicaId) {
    return shard + "/" + replicaId;
  }

  @Override
  public CompletionStage<TermAndVote> load(String shard, String replicaId) {
    String key = key(shard, replicaId);
    CompletableFuture<TermAndVote> result = new CompletableFuture<>();
    readerThread.execute(
        () -> {
          try {
            Retry.withBackoff(
                "reading " + TopicNames.META,
                settings.retry(),
                () -> {
                  reader.catchUp(
                      r -> {
                        if (r.key() != null) {
                          latest.merge(
                              new String(r.key(), StandardCharsets.UTF_8),
                              new Versioned(r.offset(), r.value()),
                              Versioned::newer);
                        }
                      });
                  return null;
                });
            Versioned value = latest.get(key);
            result.complete(
                value == null || value.value() == null
                    ? TermAndVote.INITIAL
                    : decode(key, value.value()));
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  private static TermAndVote decode(String key, byte[] value) {
    try {
      return TermAndVoteFormat.decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "corrupt " + TopicNames.META + " value for " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public CompletionStage<Void> save(String shard, String replicaId, TermAndVote termAndVote) {
    String key = key(shard, replicaId);
    byte[] value = TermAndVoteFormat.encode(termAndVote);
    CompletableFuture<Void> result = new CompletableFuture<>();
    try {
      producer.send(
          new ProducerRecord<>(TopicNames.META, key.getBytes(StandardCharsets.UTF_8), value),
          (metadata, error) -> {
            if (error != null) {
              result.completeExceptionally(
                  new KafkaOperationException(
                      "saving term and vote of " + key + " failed: " + error, error));
            } else {
              latest.merge(key, new Versioned(metadata.offset(), value), Versioned::newer);
              result.complete(null);
            }
          });
    } catch (RuntimeException e) {
      result.completeExceptionally(
          new KafkaOperationException("saving term and vote of " + key + " failed: " + e, e));
    }
    return result;
  }

  @Override
  public void close() {
    producer.close(settings.operationTimeout());
    readerThread.execute(reader::close);
    readerThread.shutdown();
  }
}
