package dev.shardraft.kafka.log;

import dev.shardraft.raft.port.TailEvent;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counters of what the tails of one {@link KafkaRaftLog} (one replica's view of one shard) have
 * delivered, and of the last undecodable record. Thread-safe; read at any time.
 */
public final class LogMetrics {

  private final String shard;
  private final AtomicLong committed = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicReference<TailEvent.Undecodable> lastUndecodable = new AtomicReference<>();

  public LogMetrics(String shard) {
    this.shard = shard;
  }

  public String shard() {
    return shard;
  }

  /** Decoded entries delivered by this log's tails. */
  public long committed() {
    return committed.get();
  }

  /** Records delivered as {@link TailEvent.Undecodable} (foreign or corrupt), to be skipped. */
  public long undecodable() {
    return undecodable.get();
  }

  /** The most recent undecodable record, or null. */
  public TailEvent.Undecodable lastUndecodable() {
    return lastUndecodable.get();
  }

  void record(TailEvent event) {
    if (event instanceof TailEvent.Undecodable u) {
      undecodable.incrementAndGet();
      lastUndecodable.set(u);
    } else {
      committed.incrementAndGet();
    }
  }

  @Override
  public String toString() {
    return "LogMetrics["
        + shard
        + ": committed="
        + committed()
        + ", undecodable="
        + undecodable()
        + "]";
  }
}
