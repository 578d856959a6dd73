package dev.shardraft.kafka.log;

import static dev.shardraft.kafka.log.KafkaTestSupport.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.kafka.config.WriterSettings;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Batching rules of {@link GroupCommitter}, on a writer whose appends the test completes by hand.
 */
class GroupCommitterTest {

  /** A LogWriter that records batches and lets the test decide when each commits. */
  private static final class ManualWriter implements LogWriter {
    final List<List<LogEntry>> batches = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<List<Long>>> pending = new CopyOnWriteArrayList<>();
    long nextIndex;
    int inFlight;
    int maxInFlight;

    @Override
    public long term() {
      return 1;
    }

    @Override
    public synchronized CompletionStage<List<Long>> append(List<LogEntry> batch) {
      batches.add(batch);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      CompletableFuture<List<Long>> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }

    void commit(int batch) {
      List<Long> indices = new ArrayList<>();
      synchronized (this) {
        for (int i = 0; i < batches.get(batch).size(); i++) {
          indices.add(nextIndex++);
        }
        nextIndex++;
        inFlight--;
      }
      pending.get(batch).complete(indices);
    }

    void fail(int batch, RuntimeException e) {
      synchronized (this) {
        inFlight--;
      }
      pending.get(batch).completeExceptionally(e);
    }

    @Override
    public void close() {}
  }

  private static LogEntry entry(int seq, int payloadBytes) {
    return command(1, "r1", "c", seq, "x".repeat(payloadBytes));
  }

  @Test
  void entriesArrivingDuringATransactionGoIntoTheNextBoundedByCountWithOneInFlight()
      throws Exception {
    ManualWriter writer = new ManualWriter();
    GroupCommitter committer =
        new GroupCommitter(writer, new WriterSettings(3, 1_000_000, Duration.ZERO, 1));
    List<CompletionStage<Long>> indices = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      indices.add(committer.submit(entry(i, 10)));
    }
    assertEquals(1, writer.batches.size(), "the first entry starts a transaction at once");
    assertEquals(1, writer.batches.get(0).size());
    assertEquals(7, committer.queued());

    writer.commit(0);
    assertEquals(
        List.of(1, 3), writer.batches.stream().map(List::size).toList(), "next batch capped at 3");
    writer.commit(1);
    writer.commit(2);
    writer.commit(3);
    assertEquals(List.of(1, 3, 3, 1), writer.batches.stream().map(List::size).toList());
    assertEquals(1, writer.maxInFlight);
    List<Long> got = new ArrayList<>();
    for (CompletionStage<Long> i : indices) {
      got.add(i.toCompletableFuture().get(1, TimeUnit.SECONDS));
    }
    assertEquals(
        List.of(0L, 2L, 3L, 4L, 6L, 7L, 8L, 10L), got, "each entry gets its own index, in order");
  }

  @Test
  void batchesAreBoundedByBytesButAlwaysTakeOneEntry() {
    ManualWriter writer = new ManualWriter();
    GroupCommitter committer =
        new GroupCommitter(writer, new WriterSettings(100, 500, Duration.ZERO, 1));
    committer.submit(entry(1, 10));
    committer.submit(entry(2, 100));
    committer.submit(entry(3, 100));
    committer.submit(entry(4, 300));
    committer.submit(entry(5, 2_000));
    committer.submit(entry(6, 10));
    writer.commit(0);
    writer.commit(1);
    writer.commit(2);
    writer.commit(3);
    // about 177 + 177 bytes fit in 500, a third entry of 377 does not; 2077 bytes go alone.
    assertEquals(List.of(1, 2, 1, 1, 1), writer.batches.stream().map(List::size).toList());
  }

  @Test
  void aPartialBatchWaitsForTheLingerButAFullOneGoesAtOnce() throws Exception {
    ManualWriter writer = new ManualWriter();
    try (GroupCommitter committer =
        new GroupCommitter(writer, new WriterSettings(2, 1_000_000, Duration.ofMillis(200), 1))) {
      long start = System.nanoTime();
      committer.submit(entry(1, 10));
      assertEquals(0, writer.batches.size(), "a partial batch lingers");
      KafkaTestSupport.awaitUntil(
          "the linger to expire", Duration.ofSeconds(10), () -> writer.batches.size() == 1);
      assertTrue(
          System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "not before the linger");
      writer.commit(0);
      committer.submit(entry(2, 10));
      committer.submit(entry(3, 10));
      assertEquals(2, writer.batches.size(), "a full batch does not wait");
    }
  }

  @Test
  void afterAFailedAppendEveryQueuedAndLaterEntryFailsTheSameWay() {
    ManualWriter writer = new ManualWriter();
    GroupCommitter committer =
        new GroupCommitter(writer, new WriterSettings(10, 1_000_000, Duration.ZERO, 1));
    CompletionStage<Long> inFlight = committer.submit(entry(1, 10));
    CompletionStage<Long> queued = committer.submit(entry(2, 10));
    LogFencedException fenced = new LogFencedException("s", 1, null);
    writer.fail(0, fenced);
    for (CompletionStage<Long> stage : List.of(inFlight, queued, committer.submit(entry(3, 10)))) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class, () -> stage.toCompletableFuture().get(1, TimeUnit.SECONDS));
      assertSame(fenced, e.getCause());
    }
    assertEquals(1, writer.batches.size(), "nothing more is appended after a failure");
  }
}
