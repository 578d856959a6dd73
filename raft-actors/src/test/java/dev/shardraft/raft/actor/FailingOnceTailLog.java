package dev.shardraft.raft.actor;

import dev.shardraft.raft.memory.InMemoryRaftLog;
import dev.shardraft.raft.port.TailEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The in-memory log, except that its first tail fails when a second element arrives (a broker
 * connection lost mid-stream). Records where every tail started.
 */
final class FailingOnceTailLog extends TailWrappingLog {
  private final List<Long> tailsFrom = new CopyOnWriteArrayList<>();

  FailingOnceTailLog(InMemoryRaftLog log) {
    super(log);
  }

  List<Long> tailsFrom() {
    return List.copyOf(tailsFrom);
  }

  @Override
  public Source<TailEvent, NotUsed> tail(long fromIndex) {
    tailsFrom.add(fromIndex);
    if (tailsFrom.size() == 1) {
      AtomicInteger delivered = new AtomicInteger();
      return log.tail(fromIndex)
          .map(
              e -> {
                if (delivered.incrementAndGet() > 1) {
                  throw new IllegalStateException(
                      "test: tail connection lost before index " + e.index());
                }
                return e;
              });
    }
    return log.tail(fromIndex);
  }
}
