package dev.shardraft.raft.core.apply;

import dev.shardraft.raft.port.Bytes;

/**
 * One client's session: the last command applied for it and its encoded reply, so a retry of that
 * command is answered without applying it again.
 *
 * @param lastSequence the sequence of the last command applied
 * @param lastReply that command's reply, encoded
 * @param lastIndex the log index at which it was applied
 * @param lastActivityIndex the log index of the session's last use (apply or duplicate); drives
 *     deterministic expiry
 */
public record Session(long lastSequence, Bytes lastReply, long lastIndex, long lastActivityIndex) {

  Session touched(long index) {
    return new Session(lastSequence, lastReply, lastIndex, index);
  }
}
