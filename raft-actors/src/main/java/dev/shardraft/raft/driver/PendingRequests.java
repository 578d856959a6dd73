package dev.shardraft.raft.driver;

import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.driver.Callers.CommandCaller;
import dev.shardraft.raft.driver.Callers.ReadCaller;
import dev.shardraft.raft.port.Bytes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Client requests waiting for the core's answer, by the request id the driver gave them ({@code
 * RaftInput.ClientCommand.requestId}, {@code ClientRead.requestId}). Each is answered at most once:
 * taking it removes it. Used by one replica driver only (one thread at a time).
 */
final class PendingRequests {

  /** A waiting read and the query to run once the core allows it. */
  record Read(ReadCaller caller, Bytes query) {}

  private final Map<Long, Object> waiting = new LinkedHashMap<>();
  private long nextId = 1;

  long addCommand(CommandCaller caller) {
    long id = nextId++;
    waiting.put(id, caller);
    return id;
  }

  long addRead(ReadCaller caller, Bytes query) {
    long id = nextId++;
    waiting.put(id, new Read(caller, query == null ? Bytes.EMPTY : query));
    return id;
  }

  Optional<CommandCaller> takeCommand(long id) {
    return waiting.get(id) instanceof CommandCaller c && waiting.remove(id) != null
        ? Optional.of(c)
        : Optional.empty();
  }

  Optional<Read> takeRead(long id) {
    return waiting.get(id) instanceof Read r && waiting.remove(id) != null
        ? Optional.of(r)
        : Optional.empty();
  }

  int size() {
    return waiting.size();
  }

  /** Answers every waiting request with {@code retry} and forgets them all. */
  void retryAll(CommandOutcome.Retry retry) {
    for (Object w : waiting.values()) {
      if (w instanceof CommandCaller c) {
        c.answer(retry);
      } else {
        ((Read) w).caller().retry(retry);
      }
    }
    waiting.clear();
  }

  /** Forgets every waiting request without an answer (the process died). */
  void dropAll() {
    waiting.clear();
  }
}
