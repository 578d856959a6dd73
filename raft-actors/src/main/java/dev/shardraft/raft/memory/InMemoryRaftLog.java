package dev.shardraft.raft.memory;

import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.RaftLog;
import dev.shardraft.raft.port.TailEvent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@link RaftLog} in memory with Kafka's semantics (see {@link LogStore}): latest open wins, atomic
 * batches, commit visibility, index gaps for commit markers, prefix deletion. Thread-safe. Stages
 * complete on the calling thread (appends and opens are immediate); the tail is a Pekko Streams
 * {@link Source} that waits for new entries.
 */
public final class InMemoryRaftLog implements RaftLog {
  private static final int READ_CHUNK = 256;
  private final LogStore store;

  public InMemoryRaftLog(String shard) {
    this(new LogStore(shard));
  }

  public InMemoryRaftLog(LogStore store) {
    this.store = store;
  }

  /** The underlying model, for tests that inspect the log or inject foreign records. */
  public LogStore store() {
    return store;
  }

  @Override
  public String shard() {
    return store.shard();
  }

  @Override
  public CompletionStage<LogWriter> openWriter(long term, String leaderId) {
    if (term < 1) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("term must be >= 1"));
    }
    long epoch = store.open(term);
    return CompletableFuture.completedFuture(new Writer(term, epoch));
  }

  /**
   * Reads the store in chunks of up to 256 events as the stream demands them. Fails with {@link
   * dev.shardraft.raft.port.LogTruncatedException} when {@code fromIndex}, or the position the next
   * chunk is read from, is below the log start; events of chunks read before a deletion are still
   * delivered.
   */
  @Override
  public Source<TailEvent, NotUsed> tail(long fromIndex) {
    return Source.unfoldAsync(fromIndex, this::nextChunk).mapConcat(chunk -> chunk);
  }

  private CompletionStage<Optional<Pair<Long, List<TailEvent>>>> nextChunk(long from) {
    return store
        .awaitFrom(from)
        .thenApply(
            ignored -> {
              List<TailEvent> chunk = store.read(from, READ_CHUNK); // throws LogTruncatedException
              long next = chunk.isEmpty() ? from : chunk.get(chunk.size() - 1).index() + 1;
              return Optional.of(Pair.create(next, chunk));
            });
  }

  @Override
  public CompletionStage<Void> deleteBefore(long index) {
    store.deleteBefore(index);
    return CompletableFuture.completedFuture(null);
  }

  private final class Writer implements LogWriter {
    private final long term;
    private final long epoch;
    private final AtomicBoolean closed = new AtomicBoolean();

    Writer(long term, long epoch) {
      this.term = term;
      this.epoch = epoch;
    }

    @Override
    public long term() {
      return term;
    }

    @Override
    public CompletionStage<List<Long>> append(List<LogEntry> batch) {
      if (closed.get()) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("writer of term " + term + " is closed"));
      }
      for (LogEntry e : batch) {
        if (e.term() != term) {
          return CompletableFuture.failedFuture(
              new IllegalArgumentException(
                  "entry term " + e.term() + " differs from writer term " + term));
        }
      }
      try {
        return CompletableFuture.completedFuture(store.commit(epoch, term, batch));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }
}
