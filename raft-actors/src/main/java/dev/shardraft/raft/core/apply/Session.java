package dev.shardraft.raft.core.apply;

import dev.shardraft.raft.port.Bytes;
import java.util.Optional;

/**
 * One client's session: the last command applied for it and its result, so a retry of that command
 * is answered without applying it again.
 *
 * @param lastSequence the sequence of the last command applied
 * @param lastReply that command's reply, encoded (empty if it failed)
 * @param lastIndex the log index at which it was applied
 * @param lastActivityIndex the log index of the session's last use (apply or duplicate); drives
 *     deterministic expiry
 * @param failure present if applying that command threw: its {@link
 *     dev.shardraft.raft.core.CommandOutcome.Failed} reason, given again to a retry
 */
public record Session(
    long lastSequence,
    Bytes lastReply,
    long lastIndex,
    long lastActivityIndex,
    Optional<String> failure) {

  /** A session whose last command succeeded. */
  public Session(long lastSequence, Bytes lastReply, long lastIndex, long lastActivityIndex) {
    this(lastSequence, lastReply, lastIndex, lastActivityIndex, Optional.empty());
  }

  Session touched(long index) {
    return new Session(lastSequence, lastReply, lastIndex, index, failure);
  }
}
