package dev.shardraft.raft.core.apply;

import dev.shardraft.raft.port.Bytes;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One client's session: the results of its commands from {@code lowestKept} on (a window), so a
 * retry of any of them is answered without applying it again.
 *
 * <p>A <b>registered</b> session (opened by a registration entry, thesis §6.3) keeps the reply of
 * every sequence from the lowest one its client has not yet seen answered ({@code lowestUnacked},
 * carried by every command) on, at most {@code maxReplies} of them. A <b>legacy</b> session (opened
 * by sequence 1 of a command written without {@code lowestUnacked}, as earlier versions did) keeps
 * only its last command's result.
 *
 * @param registered opened by a registration entry (else: a legacy session)
 * @param lowestKept sequences below this were answered and their replies discarded
 * @param replies the kept results by sequence (all applied sequences from {@code lowestKept} on)
 * @param lastActivityIndex the log index of the session's last use (registration, apply or
 *     duplicate); drives deterministic expiry
 * @param maxReplies at most this many replies are kept (registered sessions: the bound its
 *     registration entry carries; legacy sessions: 1)
 */
public record Session(
    boolean registered,
    long lowestKept,
    NavigableMap<Long, Reply> replies,
    long lastActivityIndex,
    int maxReplies) {

  /**
   * One kept result.
   *
   * @param index the log index at which the command was applied
   * @param reply its reply, encoded (empty if it failed)
   * @param failure present if applying it threw: its {@code CommandOutcome.Failed} reason
   */
  public record Reply(long index, Bytes reply, Optional<String> failure) {}

  public Session {
    replies = Collections.unmodifiableNavigableMap(new TreeMap<>(replies));
    if (maxReplies < 1) {
      throw new IllegalArgumentException("maxReplies must be >= 1, was " + maxReplies);
    }
  }

  /** A fresh registered session. */
  static Session registered(long index, int maxReplies) {
    return new Session(true, 1, new TreeMap<>(), index, maxReplies);
  }

  /** A legacy session whose last command (its only kept one) is {@code sequence}. */
  static Session legacy(long sequence, Reply reply, long activity) {
    TreeMap<Long, Reply> one = new TreeMap<>();
    one.put(sequence, reply);
    return new Session(false, sequence, one, activity, 1);
  }

  Session touched(long index) {
    return new Session(registered, lowestKept, replies, index, maxReplies);
  }

  /** With the window raised to {@code lowestUnacked} (replies below it discarded). */
  Session raisedTo(long lowestUnacked) {
    if (lowestUnacked <= lowestKept) {
      return this;
    }
    return new Session(
        registered,
        lowestUnacked,
        replies.tailMap(lowestUnacked, true),
        lastActivityIndex,
        maxReplies);
  }

  /** With {@code sequence}'s result kept, used at {@code index}. */
  Session with(long sequence, Reply reply, long index) {
    TreeMap<Long, Reply> more = new TreeMap<>(replies);
    more.put(sequence, reply);
    return new Session(registered, lowestKept, more, index, maxReplies);
  }

  /** The highest sequence with a kept result, 0 if none. */
  public long lastSequence() {
    return replies.isEmpty() ? 0 : replies.lastKey();
  }
}
