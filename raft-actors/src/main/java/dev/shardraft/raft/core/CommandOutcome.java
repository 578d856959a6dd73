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
   * Definitively refused, not applied by this attempt: retrying the same {@code (clientId,
   * sequence)} cannot succeed (a malformed or oversize command, refused at submit; a payload the
   * state machine's codec refuses with {@code IllegalArgumentException}; a sequence older than the
   * session's last, whose own earlier attempt was answered already).
   */
  record Rejected(String reason) implements CommandOutcome {}

  /**
   * The command was committed and applying it threw (the state machine or its codec): a poison
   * command. A state machine is deterministic, so the throw is that entry's result on every replica
   * and in the projection; the exception is not retried, the log goes on. The failure is recorded
   * in the client's session, so a retry of the same {@code (clientId, sequence)} gets this same
   * outcome ({@code duplicate} true) and is not applied again.
   *
   * @param index the log index of the entry (for a duplicate: where it first failed)
   * @param reason the exception, as {@code Throwable.toString()} (shortened)
   */
  record Failed(long index, String reason, boolean duplicate) implements CommandOutcome {}

  /**
   * The group has no session for this client: it expired (no use within the session expiry window,
   * a part of the replicated state) or was never opened. The command was not applied by this
   * attempt and never will be under this session, but an earlier attempt may have been applied
   * before the session expired: the outcome is <b>unknown</b>. Retrying cannot tell; a client
   * starts a new session (a new client id, sequences from 1).
   */
  record SessionExpired(String reason) implements CommandOutcome {}

  /**
   * Not applied by this replica now; the outcome may be unknown (e.g. the leader stepped down while
   * the command's append was in flight). The client retries with the <b>same</b> {@code (clientId,
   * sequence)}, at {@code leaderHint} if present; the session table makes the retry safe. {@code
   * reason} says why, {@code detail} is for people.
   */
  record Retry(Optional<String> leaderHint, RetryReason reason, String detail)
      implements CommandOutcome {}
}
