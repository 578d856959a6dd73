package dev.shardraft.raft.core;

import dev.shardraft.raft.port.Bytes;
import java.util.Optional;

/** What a client is told about one command (one {@code (clientId, sequence)}). */
public sealed interface CommandOutcome {

  /**
   * The command is applied (committed and read back from the log by the leader). For a retried
   * command that was applied before, {@code reply} comes from the client's session and {@code
   * duplicate} is true: it was not applied a second time.
   *
   * @param index the log index at which the command was applied (for a duplicate: where it was
   *     first applied)
   * @param reply the reply, encoded by the state machine's reply codec
   */
  record Success(long index, Bytes reply, boolean duplicate) implements CommandOutcome {}

  /**
   * Definitively refused, never applied: retrying the same {@code (clientId, sequence)} cannot
   * succeed (e.g. a sequence older than the session's last, an unknown or expired session, a
   * payload the state machine cannot decode).
   */
  record Rejected(String reason) implements CommandOutcome {}

  /**
   * Not applied by this replica now; the outcome may be unknown (e.g. the leader stepped down while
   * the command's append was in flight). The client retries with the <b>same</b> {@code (clientId,
   * sequence)}, at {@code leaderHint} if present; the session table makes the retry safe. {@code
   * reason} says why, {@code detail} is for people.
   */
  record Retry(Optional<String> leaderHint, RetryReason reason, String detail)
      implements CommandOutcome {}
}
