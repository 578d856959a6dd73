package dev.shardraft.kafka.meta;

import dev.shardraft.kafka.config.KafkaOperationException;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.config.Retries;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.kafka.log.KafkaLogWriter;
import dev.shardraft.kafka.log.TopicReader;
import dev.shardraft.raft.port.MetaStoreSupersededException;
import dev.shardraft.raft.port.RaftMetaStore;
import dev.shardraft.raft.port.TermAndVote;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RaftMetaStore} on the compacted topic {@code raft-meta}: key {@code <shard>/<replica>},
 * value {@link TermAndVoteFormat}, written in Kafka transactions that fence other incarnations of
 * the same replica id.
 *
 * <p><b>Incarnations.</b> With Cluster Sharding a replica id can be started on a new node while its
 * old incarnation is paused or partitioned but still running. If both could save, both could grant
 * a vote in one term. So every {@link #load} starts an incarnation: a transactional producer with
 * the id {@code shardraft-meta-<shard>-<replica>} calls {@code initTransactions()} (fencing every
 * older incarnation and aborting or completing its open transaction), then the topic is read
 * (read_committed) up to its end. {@link #save} commits the value in a transaction of that
 * producer. If the producer was fenced meanwhile, or closed because it was idle (below), the save
 * fences back, reads the topic again and compares: if the durable value is still the one this
 * incarnation last loaded or saved, no other incarnation wrote and it saves again; otherwise the
 * save fails with {@link MetaStoreSupersededException} and nothing is written. A save thus behaves
 * like a compare-and-set on the durable value: of two incarnations, at most one vote per term is
 * ever durable, and a replica grants a vote only after its save completed.
 *
 * <p>{@link #load} answers with the latest value saved by any process. Of two values of a key, the
 * one at the higher offset wins. All Kafka work runs on the store's own thread.
 *
 * <p><b>Cost.</b> One transactional producer (and its network thread and connection) per replica
 * that loaded or saved recently: a producer that saved nothing for {@link
 * KafkaSettings#metaIdleProducerClose} is closed, and the next save of its replica opens a new one
 * through the fence-back path above, which is the same check as after being fenced. So replicas
 * between elections hold no producer; the first save after a quiet period costs one fence.
 *
 * <p>A value in the topic that is not in the format is bad input: the load of that key fails with
 * {@link IllegalStateException} naming the key; other keys are unaffected.
 */
public final class KafkaMetaStore implements RaftMetaStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaMetaStore.class);

  private final KafkaSettings settings;
  private final ScheduledExecutorService storeThread;
  private final long idleCloseNanos;
  private final TopicReader reader;
  private final Map<String, Versioned> latest = new HashMap<>();
  private final Map<String, Incarnation> incarnations = new HashMap<>();

  /** The record header naming the incarnation that wrote a value. */
  static final String WRITER_HEADER = "sr.incarnation";

  /**
   * A value with the offset it was written at and the incarnation that wrote it (null for records
   * written before the header existed): of two values of a key, the later offset wins.
   */
  private record Versioned(long offset, byte[] value, byte[] writer) {
    static Versioned newer(Versioned a, Versioned b) {
      return b.offset > a.offset ? b : a;
    }
  }

  /**
   * This process's incarnation of one replica id: a random id (written as {@link #WRITER_HEADER}
   * with each of its saves), its fencing producer (null once unusable), the durable record it last
   * loaded or saved (its offset, -1 for none, and value), and the value of a save whose outcome is
   * unknown.
   *
   * <p>Ownership is decided by record, never by value: two incarnations that each vote for the
   * replica id itself in one term save equal values, and the second must not take the first's
   * record for its own (it would then believe in a vote it never made durable, and both could lead
   * the term; found by the simulation).
   */
  private static final class Incarnation {
    final byte[] id = randomId();
    Producer<byte[], byte[]> producer;
    long lastUsedNanos = System.nanoTime();
    byte[] known;
    long knownOffset;
    byte[] unknownOutcome;

    Incarnation(Producer<byte[], byte[]> producer, Versioned durable) {
      this.producer = producer;
      this.known = durable == null ? null : durable.value();
      this.knownOffset = durable == null ? -1 : durable.offset();
    }

    /** The record this incarnation loaded or saved, or one it wrote (a save of unknown outcome). */
    boolean isOwn(Versioned durable) {
      return durable == null
          ? knownOffset == -1
          : durable.offset() == knownOffset || Arrays.equals(durable.writer(), id);
    }

    void knows(Versioned durable) {
      known = durable == null ? null : durable.value();
      knownOffset = durable == null ? -1 : durable.offset();
      unknownOutcome = null;
    }

    private static byte[] randomId() {
      byte[] b = new byte[16];
      new java.security.SecureRandom().nextBytes(b);
      return b;
    }
  }

  public KafkaMetaStore(KafkaSettings settings) {
    this(settings, "shardraft-meta-store");
  }

  /** A store whose thread has the given name (a {@link StripedMetaStore} numbers its stores). */
  KafkaMetaStore(KafkaSettings settings, String threadName) {
    this.settings = settings;
    this.reader = new TopicReader(TopicNames.META, settings);
    this.storeThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    this.idleCloseNanos = settings.metaIdleProducerClose().toNanos();
    if (idleCloseNanos > 0) {
      long every = Math.max(TimeUnit.MILLISECONDS.toNanos(50), idleCloseNanos / 4);
      storeThread.scheduleWithFixedDelay(
          this::closeIdleProducers, every, every, TimeUnit.NANOSECONDS);
    }
  }

  /** On the store thread: closes the producers that saved nothing for the idle period. */
  private void closeIdleProducers() {
    long now = System.nanoTime();
    incarnations.forEach(
        (key, inc) -> {
          if (inc.producer != null && now - inc.lastUsedNanos >= idleCloseNanos) {
            try {
              inc.producer.close(settings.operationTimeout());
            } catch (RuntimeException e) {
              // Nothing is open in it (every save ends its transaction); the next save fences back
              // either way.
              LOG.warn("Closing the idle meta producer of {} failed: {}", key, e.toString());
            }
            inc.producer = null;
            LOG.debug("Closed the idle meta producer of {}", key);
          }
        });
  }

  /** How many replicas hold a producer now (for tests and benchmarks). */
  int openProducers() {
    try {
      return storeThread
          .submit(
              () -> (int) incarnations.values().stream().filter(i -> i.producer != null).count())
          .get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the meta store did not answer", e);
    }
  }

  static String key(String shard, String replicaId) {
    return shard + "/" + replicaId;
  }

  @Override
  public CompletionStage<TermAndVote> load(String shard, String replicaId) {
    String key = key(shard, replicaId);
    return onStoreThread(
        () -> {
          byte[] value = startIncarnation(shard, replicaId).known;
          return value == null ? TermAndVote.INITIAL : decode(key, value);
        });
  }

  @Override
  public CompletionStage<Void> save(String shard, String replicaId, TermAndVote termAndVote) {
    String key = key(shard, replicaId);
    byte[] value = TermAndVoteFormat.encode(termAndVote);
    return onStoreThread(
        () -> {
          Incarnation inc = incarnations.get(key);
          // A save without a load: this process starts an incarnation now.
          saveAs(inc != null ? inc : startIncarnation(shard, replicaId), shard, replicaId, value);
          return null;
        });
  }

  /** Fences every other incarnation of the replica id, then reads the topic to its end. */
  private Incarnation startIncarnation(String shard, String replicaId) {
    String key = key(shard, replicaId);
    Incarnation previous = incarnations.remove(key);
    if (previous != null && previous.producer != null) {
      previous.producer.close(Duration.ZERO);
    }
    Producer<byte[], byte[]> producer = fence(shard, replicaId);
    try {
      catchUp();
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    Incarnation inc = new Incarnation(producer, latest.get(key));
    incarnations.put(key, inc);
    return inc;
  }

  private void saveAs(Incarnation inc, String shard, String replicaId, byte[] value) {
    String key = key(shard, replicaId);
    inc.lastUsedNanos = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      if (inc.producer == null) {
        inc.producer = fence(shard, replicaId);
        catchUp();
        Versioned durable = latest.get(key);
        if (durable != null
            && inc.unknownOutcome != null
            && Arrays.equals(durable.writer(), inc.id)
            && Arrays.equals(durable.value(), value)) {
          inc.knows(durable); // our earlier attempt did commit
          return;
        }
        if (!inc.isOwn(durable)) {
          inc.producer.close(Duration.ZERO);
          inc.producer = null;
          throw new MetaStoreSupersededException(
              shard,
              replicaId,
              "the durable value is "
                  + (durable == null ? "none" : decode(key, durable.value()))
                  + ", not the one this incarnation last loaded or saved; nothing was saved");
        }
        inc.knows(durable);
      }
      try {
        long offset = commit(inc.producer, key, value, inc.id);
        Versioned saved = new Versioned(offset, value, inc.id);
        latest.merge(key, saved, Versioned::newer);
        inc.knows(saved);
        return;
      } catch (KafkaException e) {
        inc.producer.close(Duration.ZERO);
        inc.producer = null;
        inc.unknownOutcome = value;
        if (!KafkaLogWriter.isFenced(e)) {
          throw new KafkaOperationException(
              "saving term and vote of " + key + " failed (outcome unknown): " + e, e);
        }
        if (attempt >= 2) {
          throw new MetaStoreSupersededException(
              shard, replicaId, "fenced again while saving; nothing was saved");
        }
        LOG.info(
            "Meta producer of {} was fenced; fencing back and checking the durable value", key);
      }
    }
  }

  private long commit(Producer<byte[], byte[]> producer, String key, byte[] value, byte[] writer) {
    producer.beginTransaction();
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(TopicNames.META, key.getBytes(StandardCharsets.UTF_8), value);
    record.headers().add(WRITER_HEADER, writer);
    var sent = producer.send(record);
    producer.commitTransaction();
    try {
      return sent.get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS).offset();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof KafkaException k
          ? k
          : new KafkaException("send of " + key + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while saving " + key, e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new KafkaException("send of " + key + " timed out", e);
    }
  }

  /** A new transactional producer of the replica id, after its {@code initTransactions()}. */
  private Producer<byte[], byte[]> fence(String shard, String replicaId) {
    Map<String, Object> props =
        settings.producerProperties(TopicNames.metaTransactionalId(shard, replicaId));
    props.put(
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
        (int) settings.metaTransactionTimeout().toMillis());
    Producer<byte[], byte[]> producer = new KafkaProducer<>(props);
    try {
      Retries.withBackoff(
          "fencing older incarnations of " + key(shard, replicaId),
          settings.retry(),
          () -> {
            producer.initTransactions();
            return null;
          });
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    return producer;
  }

  /** Reads whatever was added to the topic since the last call, up to its end as of now. */
  private void catchUp() {
    Retries.withBackoff(
        "reading " + TopicNames.META,
        settings.retry(),
        () -> {
          reader.catchUp(
              r -> {
                if (r.key() != null) {
                  latest.merge(
                      new String(r.key(), StandardCharsets.UTF_8),
                      new Versioned(r.offset(), r.value(), writer(r.headers())),
                      Versioned::newer);
                }
              });
          return null;
        });
  }

  private static byte[] writer(org.apache.kafka.common.header.Headers headers) {
    var h = headers == null ? null : headers.lastHeader(WRITER_HEADER);
    return h == null ? null : h.value();
  }

  private static TermAndVote decode(String key, byte[] value) {
    try {
      return TermAndVoteFormat.decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "corrupt " + TopicNames.META + " value for " + key + ": " + e.getMessage(), e);
    }
  }

  private <T> CompletionStage<T> onStoreThread(Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      storeThread.execute(
          () -> {
            try {
              result.complete(work.get());
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("the meta store is closed", e));
    }
    return result;
  }

  @Override
  public void close() {
    try {
      storeThread
          .submit(
              () -> {
                incarnations
                    .values()
                    .forEach(
                        inc -> {
                          if (inc.producer != null) {
                            inc.producer.close(settings.operationTimeout());
                          }
                        });
                incarnations.clear();
                reader.close();
              })
          .get(settings.operationTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("Closing the meta store did not finish cleanly", e);
    } finally {
      storeThread.shutdown();
    }
  }
}
