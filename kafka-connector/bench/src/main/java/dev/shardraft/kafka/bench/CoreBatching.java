package dev.shardraft.kafka.bench;

import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Feeds a {@link LogWriter} the way the leader's Raft core does ({@code LeaderStep.maybeStartBatch}
 * in raft-actors): entries queue; whenever no append is in flight, the next append takes the oldest
 * {@code min(maxBatch, queued)} entries. No byte bound and no linger, as in the core. After a
 * failed append every entry of that batch, every queued entry and every later submission fails.
 */
final class CoreBatching {

  private record Pending(LogEntry entry, CompletableFuture<Long> index) {}

  private final LogWriter writer;
  private final int maxBatch;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean inFlight;
  private Throwable failure;

  CoreBatching(LogWriter writer, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("max-batch must be >= 1, was " + maxBatch);
    }
    this.writer = writer;
    this.maxBatch = maxBatch;
  }

  /** Queues {@code entry}; completes with its index once its transaction committed. */
  CompletionStage<Long> submit(LogEntry entry) {
    CompletableFuture<Long> index = new CompletableFuture<>();
    synchronized (this) {
      if (failure != null) {
        index.completeExceptionally(failure);
        return index;
      }
      queue.add(new Pending(entry, index));
      startNextIfIdle();
    }
    return index;
  }

  private void startNextIfIdle() {
    if (inFlight || queue.isEmpty() || failure != null) {
      return;
    }
    List<Pending> batch = new ArrayList<>();
    while (!queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(queue.pollFirst());
    }
    inFlight = true;
    List<LogEntry> entries = batch.stream().map(Pending::entry).toList();
    writer.append(entries).whenComplete((indices, error) -> completed(batch, indices, error));
  }

  private void completed(List<Pending> batch, List<Long> indices, Throwable error) {
    for (int i = 0; i < batch.size(); i++) {
      if (error == null) {
        batch.get(i).index().complete(indices.get(i));
      } else {
        batch.get(i).index().completeExceptionally(error);
      }
    }
    List<Pending> dropped = new ArrayList<>();
    synchronized (this) {
      inFlight = false;
      if (error != null) {
        failure = error;
        dropped.addAll(queue);
        queue.clear();
      } else {
        startNextIfIdle();
      }
    }
    dropped.forEach(p -> p.index().completeExceptionally(error));
  }
}
