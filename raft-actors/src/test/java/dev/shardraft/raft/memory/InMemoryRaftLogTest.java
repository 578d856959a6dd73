package dev.shardraft.raft.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogTruncatedException;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.TailEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-memory log behaves like a Kafka topic written by fenced transactional producers. */
class InMemoryRaftLogTest {
  private static ActorSystem<Void> system;
  private final InMemoryRaftLog log = new InMemoryRaftLog("orders-0");

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "in-memory-log-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static LogEntry cmd(long term, String client, long seq) {
    return new LogEntry(
        term, "n" + term, new LogEntry.Command(client, seq, Bytes.of(new byte[] {1})));
  }

  private LogWriter open(long term) {
    return log.openWriter(term, "n" + term).toCompletableFuture().join();
  }

  private static List<Long> append(LogWriter w, LogEntry... entries) {
    return w.append(List.of(entries)).toCompletableFuture().join();
  }

  private List<TailEvent> tail(long from, int n) throws Exception {
    return log.tail(from)
        .take(n)
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void batchesGetIncreasingIndicesWithAGapForEachCommitMarker() {
    LogWriter w = open(1);
    assertEquals(List.of(0L, 1L), append(w, cmd(1, "a", 1), cmd(1, "a", 2)));
    assertEquals(List.of(3L), append(w, cmd(1, "a", 3)));
    assertEquals(5, log.store().endIndex());
  }

  /** Kafka's offsets: aborted records and every marker use one, commits show after the marker. */
  @Test
  void abortedRecordsAndMarkersUseOffsetsAndACommitIsVisibleOnlyOnceItsMarkerIsWritten() {
    LogStore store = log.store();
    long epoch = store.open(1);
    assertEquals(List.of(0L, 1L), store.send(epoch, 1, List.of(cmd(1, "a", 1), cmd(1, "a", 2))));
    store.abort(epoch); // marker at 2
    assertEquals(List.of(3L), store.send(epoch, 1, List.of(cmd(1, "a", 3))));
    assertEquals(List.of(3L), store.prepareCommit(epoch, 1));
    assertEquals(List.of(), store.read(0, 10), "the commit returned, its marker is not written");
    assertTrue(store.completeCommit()); // marker at 4
    assertEquals(List.of(3L), store.read(0, 10).stream().map(TailEvent::index).toList());
    assertEquals(5, store.endIndex());
  }

  /** An open transaction holds the last stable offset: later commits stay invisible until then. */
  @Test
  void anOpenTransactionStallsEveryReaderUntilItEndsOrTimesOutAndTheTimeoutFencesItsWriter() {
    LogStore store = log.store();
    long foreign = store.beginForeignTransaction("other producer", 1); // index 0
    long epoch = store.open(1);
    store.commit(epoch, 1, List.of(cmd(1, "a", 1))); // 1, marker 2
    assertEquals(List.of(), store.read(0, 10), "stalled at the last stable offset 0");
    store.endForeignTransaction(foreign, false); // abort marker 3
    assertEquals(List.of(1L), store.read(0, 10).stream().map(TailEvent::index).toList());
    store.send(epoch, 1, List.of(cmd(1, "a", 2))); // 4, held open
    long txn = store.openTransaction();
    assertEquals(4, store.lastStableOffset());
    assertTrue(store.abortOnTimeout(txn));
    assertEquals(6, store.lastStableOffset());
    assertThrows(LogFencedException.class, () -> store.prepareCommit(epoch, 1));
    assertEquals(List.of(1L), store.read(0, 10).stream().map(TailEvent::index).toList());
  }

  /** A newer open completes a decided commit and aborts a transaction still open. */
  @Test
  void aNewerOpenCompletesADecidedCommitAndAbortsAnOpenOne() {
    LogStore store = log.store();
    long first = store.open(1);
    store.send(first, 1, List.of(cmd(1, "a", 1)));
    store.prepareCommit(first, 1);
    long second = store.open(2); // writes the marker of the decided commit
    store.send(second, 2, List.of(cmd(2, "b", 1)));
    store.open(3); // aborts the open transaction of term 2
    assertEquals(List.of(0L), store.read(0, 10).stream().map(TailEvent::index).toList());
    assertEquals(1, store.abortedTransactions());
  }

  @Test
  void latestOpenWinsEvenWithALowerTerm() {
    LogWriter newer = open(5);
    LogWriter staleButLater = open(3);
    CompletionException e =
        assertThrows(CompletionException.class, () -> append(newer, cmd(5, "a", 1)));
    assertInstanceOf(LogFencedException.class, e.getCause());
    assertEquals(List.of(0L), append(staleButLater, cmd(3, "a", 1)));
    assertEquals(1, log.store().read(0, 10).size(), "the fenced batch is never visible");
  }

  @Test
  void aFencedCommitMayStillBeVisibleSoItsOutcomeIsUnknown() {
    LogWriter w = open(1);
    long epoch = log.store().latestEpoch();
    LogFencedException e =
        assertThrows(
            LogFencedException.class,
            () -> log.store().commitThenFence(epoch, 1, List.of(cmd(1, "a", 1))));
    assertEquals(1, e.term());
    assertEquals(1, log.store().read(0, 10).size(), "reported fenced, yet committed");
    CompletionException later =
        assertThrows(CompletionException.class, () -> append(w, cmd(1, "a", 2)));
    assertInstanceOf(LogFencedException.class, later.getCause(), "the writer stays fenced");
    assertThrows(
        LogFencedException.class,
        () -> log.store().commitThenFence(epoch, 1, List.of(cmd(1, "a", 3))));
    assertEquals(1, log.store().read(0, 10).size(), "an already fenced writer commits nothing");
  }

  @Test
  void writerRefusesEntriesOfAnotherTermAndAppendsAfterClose() {
    LogWriter w = open(2);
    assertThrows(CompletionException.class, () -> append(w, cmd(1, "a", 1)));
    w.close();
    assertThrows(CompletionException.class, () -> append(w, cmd(2, "a", 1)));
    assertTrue(log.store().read(0, 10).isEmpty());
  }

  @Test
  void tailDeliversCommittedEntriesInOrderAndWaitsForNewOnes() throws Exception {
    LogWriter w = open(1);
    append(w, cmd(1, "a", 1));
    CompletableFuture<List<TailEvent>> later =
        log.tail(0).take(3).runWith(Sink.seq(), system).toCompletableFuture();
    assertFalse(later.isDone(), "only one of three entries exists yet");
    append(w, cmd(1, "a", 2), cmd(1, "a", 3));
    List<TailEvent> events = later.get(5, TimeUnit.SECONDS);
    assertEquals(List.of(0L, 2L, 3L), events.stream().map(TailEvent::index).toList());
    assertEquals(cmd(1, "a", 3), ((TailEvent.Committed) events.get(2)).entry());
  }

  @Test
  void tailFromTheMiddleAndForeignRecords() throws Exception {
    LogWriter w = open(1);
    append(w, cmd(1, "a", 1));
    long foreign = log.store().appendForeign("not ours");
    append(w, cmd(1, "a", 2));
    List<TailEvent> events = tail(foreign, 2);
    assertEquals(new TailEvent.Undecodable(foreign, "not ours"), events.get(0));
    assertInstanceOf(TailEvent.Committed.class, events.get(1));
  }

  @Test
  void deleteBeforeDropsThePrefixAndATailFromTheLogStartOrEndReadsWhatIsLeft() throws Exception {
    LogWriter w = open(1);
    append(w, cmd(1, "a", 1));
    append(w, cmd(1, "a", 2));
    append(w, cmd(1, "a", 3));
    log.deleteBefore(2).toCompletableFuture().join();
    assertEquals(2, log.store().logStart());
    List<TailEvent> events = tail(2, 2);
    assertEquals(List.of(2L, 4L), events.stream().map(TailEvent::index).toList());

    // A fully truncated log: a fresh reader tails from the end and sees the next entry.
    log.deleteBefore(log.store().endIndex()).toCompletableFuture().join();
    CompletableFuture<List<TailEvent>> next =
        log.tail(log.store().endIndex()).take(1).runWith(Sink.seq(), system).toCompletableFuture();
    List<Long> appended = append(w, cmd(1, "a", 4));
    assertEquals(appended, next.get(5, TimeUnit.SECONDS).stream().map(TailEvent::index).toList());
  }

  @Test
  void aTailFromBelowTheLogStartFailsInsteadOfSkippingTheDeletedEntries() {
    LogWriter w = open(1);
    append(w, cmd(1, "a", 1));
    append(w, cmd(1, "a", 2));
    log.deleteBefore(2).toCompletableFuture().join();

    LogTruncatedException e = tailFailure(log.tail(0).take(1));
    assertEquals("orders-0", e.shard());
    assertEquals(0, e.requestedIndex());
    assertEquals(2, e.logStart());
    assertThrows(LogTruncatedException.class, () -> log.store().read(1, 10));
  }

  @Test
  void aRunningTailWhosePositionIsDeletedFailsAfterWhatItHadRead() throws Exception {
    LogWriter w = open(1);
    List<Long> first = append(w, cmd(1, "a", 1));
    // Two elements: the first chunk holds only index 0, so the next read is from position 1.
    CompletableFuture<List<TailEvent>> seen = new CompletableFuture<>();
    List<TailEvent> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<org.apache.pekko.Done> done =
        log.tail(0)
            .runForeach(
                e -> {
                  delivered.add(e);
                  seen.complete(List.copyOf(delivered));
                },
                system)
            .toCompletableFuture();
    assertEquals(first, seen.get(5, TimeUnit.SECONDS).stream().map(TailEvent::index).toList());
    assertFalse(done.isDone(), "the tail waits at the end of the log");

    append(w, cmd(1, "a", 2)); // may or may not be read before the cut
    long cut = log.store().endIndex();
    log.deleteBefore(cut).toCompletableFuture().join(); // no snapshot is involved here
    append(w, cmd(1, "a", 3)); // after the cut: must never be delivered to this tail

    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> done.get(5, TimeUnit.SECONDS));
    LogTruncatedException e = assertInstanceOf(LogTruncatedException.class, failed.getCause());
    assertEquals(cut, e.logStart());
    assertTrue(e.requestedIndex() < cut, "failed at " + e.requestedIndex());
    List<Long> indices = delivered.stream().map(TailEvent::index).toList();
    assertTrue(
        indices.equals(first) || indices.equals(List.of(0L, 2L)),
        "only entries read before the cut, in order: " + indices);
  }

  private static LogTruncatedException tailFailure(
      org.apache.pekko.stream.javadsl.Source<TailEvent, ?> tail) {
    ExecutionException failed =
        assertThrows(
            ExecutionException.class,
            () -> tail.runWith(Sink.seq(), system).toCompletableFuture().get(5, TimeUnit.SECONDS));
    return assertInstanceOf(LogTruncatedException.class, failed.getCause());
  }
}
