package dev.shardraft.raft.driver;

import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.port.Bytes;

/** Who is waiting for the answer to a client request; each is answered at most once. */
public final class Callers {
  private Callers() {}

  /** The client of a command. */
  @FunctionalInterface
  public interface CommandCaller {
    void answer(CommandOutcome outcome);
  }

  /** The client of a read. */
  public interface ReadCaller {
    /** The query's answer from a state that reflects the log at least up to {@code index}. */
    void served(long index, ReadMode mode, Bytes result);

    /** The state machine could not answer the query. */
    void failed(String reason);

    /** Not served here, now: retry, at the hint if present. */
    void retry(CommandOutcome.Retry retry);
  }
}
