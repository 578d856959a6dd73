package dev.shardraft.raft.memory;

import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogTruncatedException;
import dev.shardraft.raft.port.TailEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The synchronous model of one shard's Kafka log, shared by {@link InMemoryRaftLog} and by the
 * deterministic simulation. Thread-safe (one lock).
 *
 * <p>Semantics copied from a single-partition Kafka topic written by transactional producers that
 * share one {@code transactional.id}:
 *
 * <ul>
 *   <li><b>Latest open wins.</b> {@link #open} fences every writer opened before it, whatever its
 *       term: a stale leader whose open comes last fences a newer leader. Only the writer of the
 *       latest open may commit.
 *   <li><b>Atomic batches.</b> {@link #commit} makes all entries of a batch visible at once, or
 *       (fenced) none.
 *   <li><b>Fenced but committed.</b> {@link #commitThenFence} commits a batch and then fences its
 *       writer, so the caller sees {@link LogFencedException} for a batch that is visible: Kafka's
 *       lost commit response followed by a newer open. A fenced outcome is therefore unknown.
 *   <li><b>Index gaps.</b> Each committed batch consumes one extra index after its entries, like a
 *       Kafka transaction's commit marker, so indices increase with gaps.
 *   <li><b>Foreign records.</b> {@link #appendForeign} adds a record that no shardraft writer wrote
 *       (it is delivered as {@link TailEvent.Undecodable}); it is not fenced, like a
 *       non-transactional producer writing to the topic.
 *   <li><b>Prefix deletion.</b> {@link #deleteBefore} drops entries below an index; a read from
 *       below the log start throws {@link LogTruncatedException} (Kafka: a fetch below the log
 *       start offset with {@code auto.offset.reset=none}) instead of skipping to the log start.
 * </ul>
 */
public final class LogStore {
  private final String shard;
  private final NavigableMap<Long, TailEvent> events = new TreeMap<>();
  private long nextIndex;
  private long logStart;
  private long latestEpoch;
  private long latestEpochTerm;
  private final List<CompletableFuture<Void>> waiters = new ArrayList<>();

  public LogStore(String shard) {
    this.shard = shard;
  }

  public String shard() {
    return shard;
  }

  /**
   * Opens a writer for {@code term}: fences every earlier writer and returns the new writer's
   * epoch, to be passed to {@link #commit}.
   */
  public synchronized long open(long term) {
    latestEpoch++;
    latestEpochTerm = term;
    return latestEpoch;
  }

  /** The epoch of the latest open (0 if none). */
  public synchronized long latestEpoch() {
    return latestEpoch;
  }

  /**
   * Commits a batch for the writer of {@code epoch}.
   *
   * @return the indices of the entries, in batch order
   * @throws LogFencedException if a later {@link #open} has fenced that writer; nothing is visible
   */
  public List<Long> commit(long epoch, long term, List<LogEntry> batch) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("batch must not be empty");
    }
    List<Long> indices = new ArrayList<>(batch.size());
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      if (epoch != latestEpoch) {
        throw new LogFencedException(
            shard,
            term,
            new IllegalStateException(
                "epoch "
                    + epoch
                    + " fenced by epoch "
                    + latestEpoch
                    + " (term "
                    + latestEpochTerm
                    + ")"));
      }
      for (LogEntry e : batch) {
        long i = nextIndex++;
        events.put(i, new TailEvent.Committed(i, e));
        indices.add(i);
      }
      nextIndex++; // the transaction's commit marker
      wake = drainWaiters();
    }
    wake.forEach(w -> w.complete(null));
    return List.copyOf(indices);
  }

  /**
   * Commits a batch for the writer of {@code epoch}, then fences that writer (as a newer open
   * would) and reports the commit as fenced: the batch is visible although the caller is told
   * {@link LogFencedException}. If the writer was already fenced, nothing is committed, as in
   * {@link #commit}.
   *
   * @throws LogFencedException always
   */
  public List<Long> commitThenFence(long epoch, long term, List<LogEntry> batch) {
    List<Long> indices = commit(epoch, term, batch);
    synchronized (this) {
      latestEpoch++; // a newer open right after the commit, before its response arrived
    }
    throw new LogFencedException(
        shard,
        term,
        new IllegalStateException(
            "commit of indices " + indices + " landed, then the writer was fenced"));
  }

  /** Appends a record that is not a shardraft entry; returns its index. */
  public long appendForeign(String reason) {
    List<CompletableFuture<Void>> wake;
    long i;
    synchronized (this) {
      i = nextIndex++;
      events.put(i, new TailEvent.Undecodable(i, reason));
      wake = drainWaiters();
    }
    wake.forEach(w -> w.complete(null));
    return i;
  }

  /**
   * At most {@code max} committed events from {@code fromIndex} on.
   *
   * @throws LogTruncatedException if {@code fromIndex} is below the log start (the entries there
   *     were deleted; skipping to the log start would lose them)
   */
  public synchronized List<TailEvent> read(long fromIndex, int max) {
    if (fromIndex < logStart) {
      throw new LogTruncatedException(shard, fromIndex, logStart);
    }
    List<TailEvent> out = new ArrayList<>();
    for (TailEvent e : events.tailMap(fromIndex, true).values()) {
      if (out.size() >= max) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /**
   * Completes once an event at or after {@code fromIndex} exists, or {@code fromIndex} is below the
   * log start (at once if either holds already; {@link #read} then tells which).
   */
  public CompletableFuture<Void> awaitFrom(long fromIndex) {
    synchronized (this) {
      if (fromIndex >= logStart && events.ceilingKey(fromIndex) == null) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiters.add(f);
        return f;
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Drops every event below {@code index}; the log start becomes {@code index} (at most the log
   * end). Waiting readers wake up, so one whose position is now below the log start learns it.
   */
  public void deleteBefore(long index) {
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      if (index <= logStart) {
        return;
      }
      events.headMap(index, false).clear();
      logStart = Math.min(index, nextIndex);
      wake = drainWaiters();
    }
    wake.forEach(w -> w.complete(null));
  }

  /** The first index still held (Kafka: log start offset). */
  public synchronized long logStart() {
    return logStart;
  }

  /** The index the next record will get (Kafka: log end offset). */
  public synchronized long endIndex() {
    return nextIndex;
  }

  /** The last committed event, if any. */
  public synchronized Optional<TailEvent> last() {
    return events.isEmpty() ? Optional.empty() : Optional.of(events.lastEntry().getValue());
  }

  private List<CompletableFuture<Void>> drainWaiters() {
    List<CompletableFuture<Void>> w = new ArrayList<>(waiters);
    waiters.clear();
    return w;
  }
}
