package dev.shardraft.raft.core.apply;

import dev.shardraft.raft.port.Bytes;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;

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
 * <p>An immutable value. Its replies are a {@link ReplyWindow}, so what the applier does per
 * command (look a sequence up, keep the next reply, drop the acknowledged ones, note the activity)
 * costs O(log n) or amortised O(1), not a copy of the window.
 */
public final class Session {

  /**
   * One kept result.
   *
   * @param index the log index at which the command was applied
   * @param reply its reply, encoded (empty if it failed)
   * @param failure present if applying it threw: its {@code CommandOutcome.Failed} reason
   */
  public record Reply(long index, Bytes reply, Optional<String> failure) {}

  private final boolean registered;
  private final long lowestKept;
  private final ReplyWindow replies;
  private final long lastActivityIndex;
  private final int maxReplies;

  /**
   * A session.
   *
   * @param registered opened by a registration entry (else: a legacy session)
   * @param lowestKept sequences below this were answered and their replies discarded
   * @param replies the kept results by sequence (all applied sequences from {@code lowestKept} on)
   * @param lastActivityIndex the log index of the session's last use (registration, apply or
   *     duplicate); drives deterministic expiry
   * @param maxReplies at most this many replies are kept (registered sessions: the bound its
   *     registration entry carries; legacy sessions: 1)
   */
  public Session(
      boolean registered,
      long lowestKept,
      Map<Long, Reply> replies,
      long lastActivityIndex,
      int maxReplies) {
    this(registered, lowestKept, ReplyWindow.of(replies), lastActivityIndex, maxReplies);
  }

  private Session(
      boolean registered,
      long lowestKept,
      ReplyWindow replies,
      long lastActivityIndex,
      int maxReplies) {
    if (maxReplies < 1) {
      throw new IllegalArgumentException("maxReplies must be >= 1, was " + maxReplies);
    }
    this.registered = registered;
    this.lowestKept = lowestKept;
    this.replies = replies;
    this.lastActivityIndex = lastActivityIndex;
    this.maxReplies = maxReplies;
  }

  /** A fresh registered session. */
  static Session registered(long index, int maxReplies) {
    return new Session(true, 1, ReplyWindow.EMPTY, index, maxReplies);
  }

  /** A legacy session whose last command (its only kept one) is {@code sequence}. */
  static Session legacy(long sequence, Reply reply, long activity) {
    return new Session(false, sequence, ReplyWindow.EMPTY.with(sequence, reply), activity, 1);
  }

  /** Opened by a registration entry (else: a legacy session). */
  public boolean registered() {
    return registered;
  }

  /** Sequences below this were answered and their replies discarded. */
  public long lowestKept() {
    return lowestKept;
  }

  /**
   * The kept results by sequence, as a read-only sorted copy (O(n): for snapshots and tests; the
   * applier uses {@link #reply} and {@link #replyCount}).
   */
  public NavigableMap<Long, Reply> replies() {
    return replies.toMap();
  }

  /** The result kept for {@code sequence}, if any (O(log n)). */
  public Optional<Reply> reply(long sequence) {
    return Optional.ofNullable(replies.get(sequence));
  }

  /** How many results are kept. */
  public int replyCount() {
    return replies.size();
  }

  /** The log index of the session's last use (registration, apply or duplicate). */
  public long lastActivityIndex() {
    return lastActivityIndex;
  }

  /** At most this many replies are kept. */
  public int maxReplies() {
    return maxReplies;
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
        registered, lowestUnacked, replies.from(lowestUnacked), lastActivityIndex, maxReplies);
  }

  /** With {@code sequence}'s result kept, used at {@code index}. */
  Session with(long sequence, Reply reply, long index) {
    return new Session(registered, lowestKept, replies.with(sequence, reply), index, maxReplies);
  }

  /** The highest sequence with a kept result, 0 if none. */
  public long lastSequence() {
    return replies.isEmpty() ? 0 : replies.lastSequence();
  }

  /** The result of the highest kept sequence; only when one is kept. */
  public Reply lastReply() {
    if (replies.isEmpty()) {
      throw new IllegalStateException("no reply kept");
    }
    return replies.lastReply();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Session s
        && s.registered == registered
        && s.lowestKept == lowestKept
        && s.lastActivityIndex == lastActivityIndex
        && s.maxReplies == maxReplies
        && s.replies.equals(replies);
  }

  @Override
  public int hashCode() {
    return Objects.hash(registered, lowestKept, replies, lastActivityIndex, maxReplies);
  }

  @Override
  public String toString() {
    return "Session[registered="
        + registered
        + ", lowestKept="
        + lowestKept
        + ", replies="
        + replies
        + ", lastActivityIndex="
        + lastActivityIndex
        + ", maxReplies="
        + maxReplies
        + "]";
  }
}
