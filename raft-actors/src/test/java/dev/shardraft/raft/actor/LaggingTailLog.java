package dev.shardraft.raft.actor;

import dev.shardraft.raft.port.RaftLog;
import dev.shardraft.raft.port.TailEvent;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A log whose tails can be made to lag: after {@link #lag()} a running tail stops reading before
 * its next element (it does not deliver it) and reads on from that position only after {@link
 * #catchUp()}, as a slow consumer would. Whatever the log did meanwhile (a deletion past that
 * position) the resumed tail meets through the wrapped log's own contract.
 */
final class LaggingTailLog extends TailWrappingLog {
  private volatile CompletableFuture<Boolean> resume = CompletableFuture.completedFuture(true);

  LaggingTailLog(RaftLog log) {
    super(log);
  }

  /** Running tails stop before their next element. */
  void lag() {
    resume = new CompletableFuture<>();
  }

  /** Lagging tails read on from where they stopped. */
  void catchUp() {
    resume.complete(true); // not null: a null element would end the stream
  }

  @Override
  public Source<TailEvent, NotUsed> tail(long fromIndex) {
    AtomicLong next = new AtomicLong(fromIndex);
    // Optional.empty() marks the end of the first part: the lagging tail resumes there.
    return log.tail(fromIndex)
        .takeWhile(e -> resume.isDone())
        .map(
            e -> {
              next.set(e.index() + 1);
              return Optional.of(e);
            })
        .concat(Source.single(Optional.<TailEvent>empty()))
        .flatMapConcat(
            e ->
                e.isPresent()
                    ? Source.single(e.get())
                    : Source.completionStage(resume)
                        .flatMapConcat(ignored -> log.tail(next.get())));
  }
}
