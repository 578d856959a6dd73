package dev.shardraft.kafka.log;

import dev.shardraft.raft.port.TailEvent;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line per undecodable record, rate-limited per log: at most {@value #BURST} lines a
 * minute; the lines suppressed in between are counted and reported with the next line.
 */
final class SkipLog {

  static final int BURST = 20;
  private static final Logger LOG = LoggerFactory.getLogger(SkipLog.class);
  private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String topic;
  private long windowStart = System.nanoTime();
  private int linesInWindow;
  private long suppressed;

  SkipLog(String topic) {
    this.topic = topic;
  }

  synchronized void skipped(TailEvent.Undecodable event) {
    long now = System.nanoTime();
    if (now - windowStart >= WINDOW_NANOS) {
      windowStart = now;
      linesInWindow = 0;
    }
    if (linesInWindow >= BURST) {
      suppressed++;
      return;
    }
    linesInWindow++;
    if (suppressed > 0) {
      LOG.warn(
          "Skipping undecodable record at {}@{}: {} ({} more skipped records not logged)",
          topic,
          event.index(),
          event.reason(),
          suppressed);
      suppressed = 0;
    } else {
      LOG.warn("Skipping undecodable record at {}@{}: {}", topic, event.index(), event.reason());
    }
  }
}
