package dev.shardraft.raft.driver;

import dev.shardraft.raft.port.LogWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's log writers, one per term, as {@code Effect.OpenWriter}/{@code CloseWriter} ask: a
 * writer whose term was closed while its open was still pending is closed as soon as it arrives.
 * Used by one replica driver only (one thread at a time).
 */
final class LogWriters {
  private static final Logger LOG = LoggerFactory.getLogger(LogWriters.class);
  private final Map<Long, LogWriter> open = new HashMap<>();
  private final Set<Long> closedTerms = new HashSet<>();

  /** An open completed; keeps the writer unless its term was closed meanwhile. */
  void opened(long term, LogWriter writer) {
    if (closedTerms.contains(term)) {
      closeQuietly(writer);
      return;
    }
    LogWriter previous = open.put(term, writer);
    if (previous != null && previous != writer) {
      closeQuietly(previous);
    }
  }

  /** The open writer of {@code term}, if any. */
  Optional<LogWriter> of(long term) {
    return Optional.ofNullable(open.get(term));
  }

  /** Closes the writer of {@code term} now, or when its pending open completes. */
  void close(long term) {
    closedTerms.add(term);
    LogWriter w = open.remove(term);
    if (w != null) {
      closeQuietly(w);
    }
  }

  /** Closes every writer (the actor stops or restarts). */
  void closeAll() {
    open.values().forEach(LogWriters::closeQuietly);
    closedTerms.addAll(open.keySet());
    open.clear();
  }

  private static void closeQuietly(LogWriter w) {
    try {
      w.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the log writer of term {} failed", w.term(), e);
    }
  }
}
