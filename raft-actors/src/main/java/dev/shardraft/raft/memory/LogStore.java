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
 * share one {@code transactional.id}, read by {@code read_committed} consumers:
 *
 * <ul>
 *   <li><b>Latest open wins.</b> {@link #open} fences every writer opened before it, whatever its
 *       term: a stale leader whose open comes last fences a newer leader. Only the writer of the
 *       latest open may send and commit. Like {@code initTransactions()}, an open first completes a
 *       transaction whose commit was decided (writes its marker) and aborts one still open.
 *   <li><b>Offsets are used when records are sent</b> ({@link #send}), not when they commit: a
 *       transaction's records get their indices at once, other writers' records may land between
 *       them, an aborted transaction's records keep theirs (never visible), and every commit or
 *       abort marker uses one more. So indices increase with gaps, and one batch's indices need not
 *       be contiguous.
 *   <li><b>Commit, then markers.</b> {@link #prepareCommit} is the commit call: it decides the
 *       commit (it can no longer be aborted) and returns; the records become visible only when
 *       {@link #completeCommit} writes the marker, which may come later (Kafka's coordinator writes
 *       markers after {@code commitTransaction()} returned). {@link #commit} does both at once.
 *   <li><b>Last stable offset.</b> A {@code read_committed} reader sees nothing at or after the
 *       first record of a transaction that is still open or whose marker is not written yet
 *       (whoever wrote it: a zombie leader, a foreign transactional producer), until it commits,
 *       aborts, is aborted by a newer open, or times out ({@link #abortOnTimeout}: the coordinator
 *       aborts it and fences its producer, which learns it on its next call).
 *   <li><b>Fenced but committed.</b> {@link #commitThenFence} commits a batch and then fences its
 *       writer, so the caller sees {@link LogFencedException} for a batch that is visible: Kafka's
 *       lost commit response followed by a newer open. A fenced outcome is therefore unknown.
 *   <li><b>Foreign records.</b> {@link #appendForeign} adds a record that no shardraft writer wrote
 *       (delivered as {@link TailEvent.Undecodable}), like a non-transactional producer writing to
 *       the topic; {@link #beginForeignTransaction} does it in an open transaction of another
 *       transactional id, which holds the last stable offset until {@link #endForeignTransaction}.
 *   <li><b>Prefix deletion.</b> {@link #deleteBefore} drops entries below an index; a read from
 *       below the log start throws {@link LogTruncatedException} (Kafka: a fetch below the log
 *       start offset with {@code auto.offset.reset=none}) instead of skipping to the log start.
 * </ul>
 */
public final class LogStore {
  private enum State {
    OPEN,
    COMMIT_DECIDED,
    COMMITTED,
    ABORTED
  }

  /** One transaction: its records' indices and its state; {@code epoch} 0 for a foreign one. */
  private static final class Txn {
    final long id;
    final long epoch;
    final long first;
    final List<Long> indices = new ArrayList<>();
    State state = State.OPEN;

    Txn(long id, long epoch, long first) {
      this.id = id;
      this.epoch = epoch;
      this.first = first;
    }
  }

  /** A record: its event and its transaction (null: not transactional, visible below the LSO). */
  private record Rec(TailEvent event, Txn txn) {
    boolean visible() {
      return txn == null || txn.state == State.COMMITTED;
    }
  }

  private final String shard;
  private final NavigableMap<Long, Rec> records = new TreeMap<>();
  private final List<Txn> unstable = new ArrayList<>();
  private Txn current; // the latest writer's transaction, until its marker is written
  private long nextIndex;
  private long nextTxnId = 1;
  private long logStart;
  private long latestEpoch;
  private long latestEpochTerm;
  private long aborted;
  private final List<CompletableFuture<Void>> waiters = new ArrayList<>();

  public LogStore(String shard) {
    this.shard = shard;
  }

  public String shard() {
    return shard;
  }

  /**
   * Opens a writer for {@code term}: completes a decided commit of the previous writer (writes its
   * marker), aborts its open transaction, fences every earlier writer and returns the new writer's
   * epoch, to be passed to {@link #send}, {@link #prepareCommit} and {@link #commit}.
   */
  public long open(long term) {
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      finishCurrent();
      latestEpoch++;
      latestEpochTerm = term;
      wake = drainWaiters();
    }
    wake.forEach(w -> w.complete(null));
    return latestEpoch;
  }

  /** The epoch of the latest open (0 if none). */
  public synchronized long latestEpoch() {
    return latestEpoch;
  }

  /**
   * Sends a batch in the writer's transaction (starting one if none is open): the records get their
   * indices now and stay invisible until the transaction's commit marker.
   *
   * @return the indices of the entries, in batch order
   * @throws LogFencedException if a later {@link #open} (or a timeout) has fenced that writer
   */
  public List<Long> send(long epoch, long term, List<LogEntry> batch) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("batch must not be empty");
    }
    List<Long> indices = new ArrayList<>(batch.size());
    List<CompletableFuture<Void>> wake = List.of();
    synchronized (this) {
      checkNotFenced(epoch, term);
      if (current != null && current.state == State.COMMIT_DECIDED) {
        // The writer's previous commit returned but its marker is not written yet: Kafka makes
        // the next transaction's produce wait (CONCURRENT_TRANSACTIONS) until it is.
        end(current, State.COMMITTED);
        current = null;
        wake = drainWaiters();
      }
      if (current == null) {
        current = new Txn(nextTxnId++, epoch, nextIndex);
        unstable.add(current);
      }
      for (LogEntry e : batch) {
        long i = nextIndex++;
        records.put(i, new Rec(new TailEvent.Committed(i, e), current));
        current.indices.add(i);
        indices.add(i);
      }
    }
    wake.forEach(w -> w.complete(null));
    return List.copyOf(indices);
  }

  /** The id of the latest writer's open transaction, or -1 if it has none. */
  public synchronized long openTransaction() {
    return current != null && current.state == State.OPEN ? current.id : -1;
  }

  /**
   * The writer's commit call: decides the commit of its open transaction (nothing can abort it now)
   * and returns its records' indices. The records become visible once {@link #completeCommit}
   * writes the marker.
   *
   * @throws LogFencedException if the writer was fenced (its transaction was aborted then)
   * @throws IllegalStateException if the writer has no open transaction
   */
  public synchronized List<Long> prepareCommit(long epoch, long term) {
    checkNotFenced(epoch, term);
    if (current == null || current.state != State.OPEN) {
      throw new IllegalStateException("no open transaction to commit");
    }
    current.state = State.COMMIT_DECIDED;
    return List.copyOf(current.indices);
  }

  /**
   * Writes the commit marker of a decided commit (uses one index): its records become visible.
   *
   * @return whether there was a decided commit whose marker was missing
   */
  public boolean completeCommit() {
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      if (current == null || current.state != State.COMMIT_DECIDED) {
        return false;
      }
      end(current, State.COMMITTED);
      current = null;
      wake = drainWaiters();
    }
    wake.forEach(w -> w.complete(null));
    return true;
  }

  /**
   * The writer aborts its open transaction (after an error that did not fence it): an abort marker
   * is written, the records' indices stay used and are never visible.
   */
  public void abort(long epoch) {
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      if (epoch != latestEpoch || current == null || current.state != State.OPEN) {
        return;
      }
      end(current, State.ABORTED);
      current = null;
      wake = drainWaiters();
    }
    wake.forEach(w -> w.complete(null));
  }

  /**
   * The transaction timeout of open transaction {@code txnId} (see {@link #openTransaction}) ran
   * out: if it is still open, the coordinator aborts it and fences its producer (Kafka bumps the
   * producer epoch), which learns it with {@link LogFencedException} on its next call.
   *
   * @return whether it was still open and is now aborted
   */
  public boolean abortOnTimeout(long txnId) {
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      if (current == null || current.id != txnId || current.state != State.OPEN) {
        return false;
      }
      end(current, State.ABORTED);
      current = null;
      latestEpoch++;
      wake = drainWaiters();
    }
    wake.forEach(w -> w.complete(null));
    return true;
  }

  /**
   * Commits a batch for the writer of {@code epoch} at once: send, commit and marker.
   *
   * @return the indices of the entries, in batch order
   * @throws LogFencedException if a later {@link #open} has fenced that writer; nothing is visible
   */
  public List<Long> commit(long epoch, long term, List<LogEntry> batch) {
    List<Long> indices = send(epoch, term, batch);
    prepareCommit(epoch, term);
    completeCommit();
    return indices;
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
    fence();
    throw new LogFencedException(
        shard,
        term,
        new IllegalStateException(
            "commit of indices " + indices + " landed, then the writer was fenced"));
  }

  /**
   * Fences the latest writer as a newer open would (completing its decided commit, aborting its
   * open transaction) without opening a writer: Kafka's newer {@code initTransactions()} whose
   * producer is not modelled.
   */
  public void fence() {
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      finishCurrent();
      latestEpoch++;
      wake = drainWaiters();
    }
    wake.forEach(w -> w.complete(null));
  }

  /** Appends a record that is not a shardraft entry, outside any transaction; returns its index. */
  public long appendForeign(String reason) {
    List<CompletableFuture<Void>> wake;
    long i;
    synchronized (this) {
      i = nextIndex++;
      records.put(i, new Rec(new TailEvent.Undecodable(i, reason), null));
      wake = drainWaiters();
    }
    wake.forEach(w -> w.complete(null));
    return i;
  }

  /**
   * A producer of another transactional id writes {@code count} foreign records in a transaction it
   * leaves open: no {@code read_committed} reader sees anything from its first record on until
   * {@link #endForeignTransaction}.
   *
   * @return the transaction's id
   */
  public synchronized long beginForeignTransaction(String reason, int count) {
    Txn t = new Txn(nextTxnId++, 0, nextIndex);
    unstable.add(t);
    for (int k = 0; k < count; k++) {
      long i = nextIndex++;
      records.put(i, new Rec(new TailEvent.Undecodable(i, reason), t));
      t.indices.add(i);
    }
    return t.id;
  }

  /** Commits or aborts (its own call, or its timeout) a foreign transaction; writes its marker. */
  public void endForeignTransaction(long txnId, boolean commit) {
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      Txn t = unstable.stream().filter(x -> x.id == txnId).findFirst().orElse(null);
      if (t == null || t.epoch != 0) {
        return;
      }
      end(t, commit ? State.COMMITTED : State.ABORTED);
      wake = drainWaiters();
    }
    wake.forEach(w -> w.complete(null));
  }

  /**
   * At most {@code max} visible events from {@code fromIndex} on: committed records below the last
   * stable offset (aborted records and markers are passed over, their indices are gaps).
   *
   * @throws LogTruncatedException if {@code fromIndex} is below the log start (the entries there
   *     were deleted; skipping to the log start would lose them)
   */
  public synchronized List<TailEvent> read(long fromIndex, int max) {
    if (fromIndex < logStart) {
      throw new LogTruncatedException(shard, fromIndex, logStart);
    }
    long stable = lastStableOffset();
    List<TailEvent> out = new ArrayList<>();
    for (Rec r : records.subMap(fromIndex, true, stable, false).values()) {
      if (out.size() >= max) {
        break;
      }
      if (r.visible()) {
        out.add(r.event());
      }
    }
    return out;
  }

  /**
   * Completes once a visible event at or after {@code fromIndex} exists, or {@code fromIndex} is
   * below the log start (at once if either holds already; {@link #read} then tells which).
   */
  public CompletableFuture<Void> awaitFrom(long fromIndex) {
    synchronized (this) {
      if (fromIndex >= logStart && firstVisibleFrom(fromIndex).isEmpty()) {
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
      records.headMap(index, false).clear();
      logStart = Math.min(index, nextIndex);
      wake = drainWaiters();
    }
    wake.forEach(w -> w.complete(null));
  }

  /** The first index still held (Kafka: log start offset). */
  public synchronized long logStart() {
    return logStart;
  }

  /** The index the next record or marker will get (Kafka: log end offset). */
  public synchronized long endIndex() {
    return nextIndex;
  }

  /**
   * The first index a {@code read_committed} reader cannot read yet: the first record of the
   * earliest transaction without a marker, else the log end (Kafka: last stable offset).
   */
  public synchronized long lastStableOffset() {
    long lso = nextIndex;
    for (Txn t : unstable) {
      lso = Math.min(lso, t.first);
    }
    return lso;
  }

  /** Transactions that ended aborted (by their writer, a newer open or a timeout). */
  public synchronized long abortedTransactions() {
    return aborted;
  }

  /** The last visible event, if any. */
  public synchronized Optional<TailEvent> last() {
    for (Rec r : records.headMap(lastStableOffset(), false).descendingMap().values()) {
      if (r.visible()) {
        return Optional.of(r.event());
      }
    }
    return Optional.empty();
  }

  private Optional<TailEvent> firstVisibleFrom(long fromIndex) {
    for (Rec r : records.subMap(fromIndex, true, lastStableOffset(), false).values()) {
      if (r.visible()) {
        return Optional.of(r.event());
      }
    }
    return Optional.empty();
  }

  private void checkNotFenced(long epoch, long term) {
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
  }

  /** What a newer open does to the latest writer's transaction: decided commits complete. */
  private void finishCurrent() {
    if (current != null) {
      end(current, current.state == State.COMMIT_DECIDED ? State.COMMITTED : State.ABORTED);
      current = null;
    }
  }

  private void end(Txn t, State outcome) {
    t.state = outcome;
    unstable.remove(t);
    if (outcome == State.ABORTED) {
      aborted++;
    }
    nextIndex++; // the transaction's commit or abort marker
  }

  private List<CompletableFuture<Void>> drainWaiters() {
    List<CompletableFuture<Void>> w = new ArrayList<>(waiters);
    waiters.clear();
    return w;
  }
}
