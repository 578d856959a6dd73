package dev.shardraft.kafka.log;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's writer of {@code raft-log-<shard>} for one term: a transactional producer with
 * {@code transactional.id = shardraft-<shard>}, {@code acks=all} and idempotence.
 *
 * <p>Every blocking producer call runs on this writer's own single thread, never on the caller's
 * (Pekko) threads; so appends are also serialized. {@link #append} is one transaction: begin, send
 * every entry, commit; it completes with the offsets of the sends only after {@code
 * commitTransaction()} returned.
 *
 * <p>Failures: {@link ProducerFencedException}, {@link InvalidProducerEpochException} and {@link
 * InvalidTxnStateException} (a newer {@code initTransactions()} of the same id, see KAFKA-NOTES and
 * {@link #isFenced}) become {@link LogFencedException}, and the writer stays fenced: every later
 * append fails the same way at once. Any other failure aborts the transaction (nothing of it
 * becomes visible) and completes the append with {@link LogAppendException}; if even the abort
 * fails, the producer is closed and the writer is unusable (every later append fails with {@link
 * LogAppendException}).
 */
public final class KafkaLogWriter implements LogWriter {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaLogWriter.class);

  private final String shard;
  private final String topic;
  private final long term;
  private final String leaderId;
  private final Producer<byte[], byte[]> producer;
  private final ExecutorService thread;
  private final Duration closeTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile RuntimeException unusable;

  private KafkaLogWriter(
      String shard,
      long term,
      String leaderId,
      Producer<byte[], byte[]> producer,
      ExecutorService thread,
      Duration closeTimeout) {
    this.shard = shard;
    this.topic = TopicNames.log(shard);
    this.term = term;
    this.leaderId = leaderId;
    this.producer = producer;
    this.thread = thread;
    this.closeTimeout = closeTimeout;
  }

  /**
   * Creates the producer and calls {@code initTransactions()} on a new writer thread, retrying
   * timeouts up to {@code writer.open-attempts} times with back-off. Completes once every older
   * producer of the shard is fenced.
   */
  static CompletionStage<LogWriter> open(
      String shard, long term, String leaderId, KafkaSettings settings) {
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "shardraft-writer-" + shard + "-t" + term);
              t.setDaemon(true);
              return t;
            });
    return OnThread.run(
        thread,
        () -> {
          long started = System.nanoTime();
          Producer<byte[], byte[]> producer =
              new KafkaProducer<>(
                  settings.producerProperties(TopicNames.writerTransactionalId(shard)));
          try {
            initTransactions(producer, shard, term, settings);
          } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            thread.shutdown();
            throw e;
          }
          LOG.info(
              "Writer of {} opened for term {} by {} in {} ms (older writers fenced)",
              shard,
              term,
              leaderId,
              (System.nanoTime() - started) / 1_000_000);
          return (LogWriter)
              new KafkaLogWriter(
                  shard, term, leaderId, producer, thread, settings.operationTimeout());
        });
  }

  private static void initTransactions(
      Producer<byte[], byte[]> producer, String shard, long term, KafkaSettings settings) {
    int attempts = settings.writer().openAttempts();
    for (int attempt = 1; ; attempt++) {
      try {
        producer.initTransactions();
        return;
      } catch (TimeoutException e) {
        if (attempt >= attempts) {
          throw new LogAppendException(
              "opening the writer of "
                  + shard
                  + " for term "
                  + term
                  + " timed out "
                  + attempt
                  + " times; is the cluster reachable?",
              e);
        }
        long waitMs = settings.retry().backoffAfter(attempt).toMillis();
        LOG.warn(
            "initTransactions for {} term {} timed out (attempt {} of {}), retrying in {} ms",
            shard,
            term,
            attempt,
            attempts,
            waitMs);
        LockSupport.parkNanos(waitMs * 1_000_000);
      } catch (KafkaException e) {
        if (isFenced(e)) {
          throw new LogFencedException(shard, term, e);
        }
        throw new LogAppendException(
            "opening the writer of " + shard + " for term " + term + " failed: " + e, e);
      }
    }
  }

  @Override
  public long term() {
    return term;
  }

  /** The leader replica this writer writes for. */
  public String leaderId() {
    return leaderId;
  }

  @Override
  public CompletionStage<List<Long>> append(List<LogEntry> batch) {
    if (batch.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("empty batch"));
    }
    List<LogEntry> entries = List.copyOf(batch);
    for (LogEntry entry : entries) {
      if (entry.term() != term) {
        return CompletableFuture.failedFuture(
            new IllegalArgumentException(
                "entry term " + entry.term() + " differs from writer term " + term));
      }
    }
    return OnThread.run(thread, () -> appendNow(entries));
  }

  private List<Long> appendNow(List<LogEntry> entries) {
    RuntimeException failure = unusable;
    if (failure != null) {
      throw failure;
    }
    try {
      producer.beginTransaction();
      List<Future<RecordMetadata>> sends = new ArrayList<>(entries.size());
      for (LogEntry entry : entries) {
        sends.add(producer.send(LogRecordFormat.encode(topic, entry)));
      }
      producer.commitTransaction();
      List<Long> offsets = new ArrayList<>(sends.size());
      for (Future<RecordMetadata> send : sends) {
        offsets.add(send.get().offset());
      }
      return offsets;
    } catch (Exception e) {
      throw failed(e, entries.size());
    }
  }

  private RuntimeException failed(Exception e, int entries) {
    if (isFenced(e)) {
      LogFencedException fenced = new LogFencedException(shard, term, e);
      unusable = fenced;
      LOG.warn(
          "Writer of {} term {} is fenced; its batch of {} entries is discarded",
          shard,
          term,
          entries);
      closeProducer();
      return fenced;
    }
    try {
      producer.abortTransaction();
      LOG.warn(
          "Append of {} entries to {} term {} failed and was aborted", entries, shard, term, e);
      return new LogAppendException(
          "append of " + entries + " entries to " + shard + " failed and was aborted: " + e, e);
    } catch (RuntimeException abortFailure) {
      if (isFenced(abortFailure)) {
        LogFencedException fenced = new LogFencedException(shard, term, abortFailure);
        fenced.addSuppressed(e);
        unusable = fenced;
        closeProducer();
        return fenced;
      }
      LogAppendException broken =
          new LogAppendException(
              "append of "
                  + entries
                  + " entries to "
                  + shard
                  + " failed ("
                  + e
                  + ") and could not be aborted; its outcome is unknown and the writer is unusable",
              e);
      broken.addSuppressed(abortFailure);
      unusable = broken;
      LOG.error("Writer of {} term {} is unusable", shard, term, broken);
      closeProducer();
      return broken;
    }
  }

  /**
   * Whether {@code t} or one of its causes says this producer was fenced: {@link
   * ProducerFencedException}, {@link InvalidProducerEpochException}, or {@link
   * InvalidTxnStateException}. The last one is what a produce racing with a newer {@code
   * initTransactions()} gets (transaction protocol v2 verifies each produce against the
   * coordinator, which has aborted the transaction to fence it); the commit then never happens and
   * the coordinator's abort makes the batch invisible. {@code KafkaRaftLogTest} races appends with
   * newer opens and checks that no batch failed this way is ever visible.
   */
  public static boolean isFenced(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ProducerFencedException
          || c instanceof InvalidProducerEpochException
          || c instanceof InvalidTxnStateException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      thread.execute(this::closeProducer);
    } catch (RejectedExecutionException alreadyStopped) {
      LOG.debug("Writer thread of {} term {} already stopped", shard, term, alreadyStopped);
    }
    thread.shutdown();
  }

  private void closeProducer() {
    try {
      producer.close(closeTimeout);
    } catch (RuntimeException e) {
      LOG.warn("Closing the producer of {} term {} failed", shard, term, e);
    }
  }

  @Override
  public String toString() {
    return "KafkaLogWriter[" + shard + ", term=" + term + ", leader=" + leaderId + "]";
  }
}
