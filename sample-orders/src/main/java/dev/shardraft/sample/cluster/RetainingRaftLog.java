package dev.shardraft.sample.cluster;

import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.RaftLog;
import dev.shardraft.raft.port.TailEvent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A {@link RaftLog} that passes everything through and remembers the last writer it opened, so that
 * a stopped leader can be turned into a <b>zombie</b>: once {@link #retainOnClose()} was called,
 * the replica's {@code close()} of that writer is not passed on, and its Kafka producer stays alive
 * exactly as the producer of a paused (SIGSTOPped) or partitioned leader process would. {@link
 * #retained()} then hands it out, to show that its appends are fenced once a newer leader has
 * opened its writer. Whoever takes it must close it.
 */
public final class RetainingRaftLog implements RaftLog {

  private final RaftLog log;
  private final AtomicBoolean retain = new AtomicBoolean();
  private final AtomicReference<LogWriter> last = new AtomicReference<>();

  public RetainingRaftLog(RaftLog log) {
    this.log = log;
  }

  /** From now on, the replica's close of its last writer is not passed on. */
  public void retainOnClose() {
    retain.set(true);
  }

  /** The last writer this log opened, still open if {@link #retainOnClose()} came first. */
  public Optional<LogWriter> retained() {
    return Optional.ofNullable(last.get());
  }

  @Override
  public String shard() {
    return log.shard();
  }

  @Override
  public CompletionStage<LogWriter> openWriter(long term, String leaderId) {
    return log.openWriter(term, leaderId)
        .thenApply(
            w -> {
              Retaining r = new Retaining(w);
              last.set(w);
              return r;
            });
  }

  @Override
  public Source<TailEvent, NotUsed> tail(long fromIndex) {
    return log.tail(fromIndex);
  }

  @Override
  public CompletionStage<Void> deleteBefore(long index) {
    return log.deleteBefore(index);
  }

  /** The writer as the replica sees it: close is withheld for the last writer when retaining. */
  private final class Retaining implements LogWriter {
    private final LogWriter writer;

    Retaining(LogWriter writer) {
      this.writer = writer;
    }

    @Override
    public long term() {
      return writer.term();
    }

    @Override
    public CompletionStage<List<Long>> append(List<LogEntry> batch) {
      return writer.append(batch);
    }

    @Override
    public void close() {
      if (retain.get() && last.get() == writer) {
        return; // the zombie keeps its producer; retained() hands it out
      }
      writer.close();
    }
  }
}
