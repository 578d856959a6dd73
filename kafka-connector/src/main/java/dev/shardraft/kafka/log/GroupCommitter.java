package dev.shardraft.kafka.log;

import dev.shardraft.kafka.config.WriterSettings;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Group commit in front of a {@link LogWriter}: entries are submitted one by one; while one
 * transaction is in flight the next entries accumulate, and the next transaction takes as many as
 * {@code max-batch-entries} and {@code max-batch-bytes} allow (at least one). With a {@code linger}
 * above zero, a batch that is not full waits until its oldest entry has waited that long. Exactly
 * one append is in flight at a time, as {@link LogWriter} requires.
 *
 * <p>The Raft core batches by count itself (one append in flight, the next batch accumulating);
 * this helper adds the byte bound and the linger for callers that feed single entries (the
 * benchmark, a leader shell that wants byte-bounded batches).
 *
 * <p>After a failed append every entry of that batch, every queued entry and every later submission
 * fails with the same exception: a leader whose append failed steps down.
 */
public final class GroupCommitter implements AutoCloseable {

  private record Pending(
      LogEntry entry, long bytes, long enqueuedNanos, CompletableFuture<Long> index) {}

  private final LogWriter writer;
  private final WriterSettings limits;
  private final ScheduledExecutorService lingerTimer;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean inFlight;
  private ScheduledFuture<?> lingerTask;
  private Throwable failure;

  public GroupCommitter(LogWriter writer, WriterSettings limits) {
    this.writer = writer;
    this.limits = limits;
    this.lingerTimer =
        limits.linger().isZero()
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "shardraft-group-commit-linger");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** Queues {@code entry}; completes with its index once its transaction committed. */
  public CompletionStage<Long> submit(LogEntry entry) {
    CompletableFuture<Long> index = new CompletableFuture<>();
    synchronized (this) {
      if (failure != null) {
        index.completeExceptionally(failure);
        return index;
      }
      queue.add(
          new Pending(entry, LogRecordFormat.approximateSize(entry), System.nanoTime(), index));
      startNextIfDue();
    }
    return index;
  }

  private void startNextIfDue() {
    if (inFlight || queue.isEmpty() || failure != null) {
      return;
    }
    long waitNanos = lingerRemainingNanos();
    if (waitNanos > 0 && !fullBatchQueued()) {
      if (lingerTask == null) {
        lingerTask = lingerTimer.schedule(this::lingerExpired, waitNanos, TimeUnit.NANOSECONDS);
      }
      return;
    }
    List<Pending> batch = takeBatch();
    inFlight = true;
    List<LogEntry> entries = new ArrayList<>(batch.size());
    batch.forEach(p -> entries.add(p.entry()));
    writer.append(entries).whenComplete((indices, error) -> completed(batch, indices, error));
  }

  private synchronized void lingerExpired() {
    lingerTask = null;
    startNextIfDue();
  }

  private long lingerRemainingNanos() {
    if (lingerTimer == null) {
      return 0;
    }
    long waited = System.nanoTime() - queue.peekFirst().enqueuedNanos();
    return limits.linger().toNanos() - waited;
  }

  private boolean fullBatchQueued() {
    if (queue.size() >= limits.maxBatchEntries()) {
      return true;
    }
    long bytes = 0;
    for (Pending p : queue) {
      bytes += p.bytes();
    }
    return bytes >= limits.maxBatchBytes();
  }

  private List<Pending> takeBatch() {
    List<Pending> batch = new ArrayList<>();
    long bytes = 0;
    while (!queue.isEmpty() && batch.size() < limits.maxBatchEntries()) {
      Pending next = queue.peekFirst();
      if (!batch.isEmpty() && bytes + next.bytes() > limits.maxBatchBytes()) {
        break;
      }
      bytes += next.bytes();
      batch.add(queue.pollFirst());
    }
    return batch;
  }

  private void completed(List<Pending> batch, List<Long> indices, Throwable error) {
    Throwable cause = error == null ? null : dev.shardraft.kafka.config.Retry.unwrap(error);
    for (int i = 0; i < batch.size(); i++) {
      if (cause == null) {
        batch.get(i).index().complete(indices.get(i));
      } else {
        batch.get(i).index().completeExceptionally(cause);
      }
    }
    List<Pending> dropped = new ArrayList<>();
    synchronized (this) {
      inFlight = false;
      if (cause != null) {
        failure = cause;
        dropped.addAll(queue);
        queue.clear();
      } else {
        startNextIfDue();
      }
    }
    dropped.forEach(p -> p.index().completeExceptionally(cause));
  }

  /** Entries waiting for a transaction (not counting the one in flight). */
  public synchronized int queued() {
    return queue.size();
  }

  /** Stops the linger timer; does not close the writer. */
  @Override
  public void close() {
    if (lingerTimer != null) {
      lingerTimer.shutdownNow();
    }
  }
}
