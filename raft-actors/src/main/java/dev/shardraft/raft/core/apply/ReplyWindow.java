package dev.shardraft.raft.core.apply;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A session's kept replies by sequence: an immutable sorted window with O(log n) lookup and
 * amortised O(1) for what the applier does per command (keep the next sequence's reply, drop the
 * acknowledged ones from the front). It replaces a {@code TreeMap} that was copied whole three to
 * four times per applied command on every replica, O(window) per command (a client with 1,024
 * commands in flight on one session made each apply copy about 4,000 map nodes).
 *
 * <p>Every value is a view {@code [start, end)} of a shared append-only buffer of sequences in
 * ascending order, as in the leader's {@code CommandQueue}: {@link #with} a sequence above the last
 * writes in place only when this view ends where the buffer is filled (no other value has appended
 * past it); anything else (a sequence below the last, a replaced one, a full buffer) copies the
 * view into a fresh buffer. So no value ever sees its elements change; the in-place claim is
 * synchronized on the buffer. Equality and hash code are by content.
 */
final class ReplyWindow {

  private static final int MIN_CAPACITY = 8;

  /** The shared storage; {@code filled} slots are written and never change. */
  private static final class Buffer {
    final long[] sequences;
    final Session.Reply[] replies;
    int filled;

    Buffer(int capacity) {
      this.sequences = new long[capacity];
      this.replies = new Session.Reply[capacity];
    }
  }

  static final ReplyWindow EMPTY = new ReplyWindow(new Buffer(0), 0, 0);

  private final Buffer buffer;
  private final int start;
  private final int end;

  private ReplyWindow(Buffer buffer, int start, int end) {
    this.buffer = buffer;
    this.start = start;
    this.end = end;
  }

  /** The entries of {@code replies} (null keys or values refused). */
  static ReplyWindow of(Map<Long, Session.Reply> replies) {
    if (replies.isEmpty()) {
      return EMPTY;
    }
    TreeMap<Long, Session.Reply> sorted = new TreeMap<>(replies);
    Buffer b = new Buffer(Math.max(MIN_CAPACITY, sorted.size()));
    for (Map.Entry<Long, Session.Reply> e : sorted.entrySet()) {
      b.sequences[b.filled] = e.getKey();
      b.replies[b.filled++] = Objects.requireNonNull(e.getValue(), "reply");
    }
    return new ReplyWindow(b, 0, b.filled);
  }

  int size() {
    return end - start;
  }

  boolean isEmpty() {
    return end == start;
  }

  /** The highest sequence kept; only when not empty. */
  long lastSequence() {
    return buffer.sequences[end - 1];
  }

  /** The reply of the highest sequence kept; only when not empty. */
  Session.Reply lastReply() {
    return buffer.replies[end - 1];
  }

  /** The reply kept for {@code sequence}, or null. */
  Session.Reply get(long sequence) {
    int at = Arrays.binarySearch(buffer.sequences, start, end, sequence);
    return at >= 0 ? buffer.replies[at] : null;
  }

  /** This window with {@code sequence}'s reply kept (replacing one kept for it). */
  ReplyWindow with(long sequence, Session.Reply reply) {
    Objects.requireNonNull(reply, "reply");
    if (isEmpty() || sequence > lastSequence()) {
      synchronized (buffer) {
        if (end == buffer.filled && end < buffer.sequences.length) {
          buffer.sequences[end] = sequence;
          buffer.replies[end] = reply;
          buffer.filled = end + 1;
          return new ReplyWindow(buffer, start, end + 1);
        }
      }
    }
    int n = size();
    int at = Arrays.binarySearch(buffer.sequences, start, end, sequence);
    boolean replaces = at >= 0;
    int pos = (replaces ? at : -at - 1) - start; // where the new entry goes in the copy
    Buffer b = new Buffer(Math.max(MIN_CAPACITY, 2 * (n + 1)));
    System.arraycopy(buffer.sequences, start, b.sequences, 0, pos);
    System.arraycopy(buffer.replies, start, b.replies, 0, pos);
    b.sequences[pos] = sequence;
    b.replies[pos] = reply;
    int rest = n - pos - (replaces ? 1 : 0);
    int from = start + pos + (replaces ? 1 : 0);
    System.arraycopy(buffer.sequences, from, b.sequences, pos + 1, rest);
    System.arraycopy(buffer.replies, from, b.replies, pos + 1, rest);
    b.filled = pos + 1 + rest;
    return new ReplyWindow(b, 0, b.filled);
  }

  /** This window without the sequences below {@code lowest}. */
  ReplyWindow from(long lowest) {
    int at = Arrays.binarySearch(buffer.sequences, start, end, lowest);
    int first = at >= 0 ? at : -at - 1;
    if (first == start) {
      return this;
    }
    return first == end ? EMPTY : new ReplyWindow(buffer, first, end);
  }

  /** A read-only sorted copy (for snapshots and tests: O(size)). */
  NavigableMap<Long, Session.Reply> toMap() {
    TreeMap<Long, Session.Reply> m = new TreeMap<>();
    for (int i = start; i < end; i++) {
      m.put(buffer.sequences[i], buffer.replies[i]);
    }
    return Collections.unmodifiableNavigableMap(m);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ReplyWindow w) || w.size() != size()) {
      return false;
    }
    for (int i = 0; i < size(); i++) {
      if (buffer.sequences[start + i] != w.buffer.sequences[w.start + i]
          || !buffer.replies[start + i].equals(w.buffer.replies[w.start + i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = start; i < end; i++) {
      h = 31 * h + Long.hashCode(buffer.sequences[i]);
      h = 31 * h + buffer.replies[i].hashCode();
    }
    return h;
  }

  @Override
  public String toString() {
    return toMap().toString();
  }
}
