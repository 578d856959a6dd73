package dev.shardraft.raft.core;

import dev.shardraft.raft.core.Role.Leader.PendingCommand;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable FIFO list of a leader's pending commands with O(1) {@link #append} and {@link
 * #drop}: the leader's queue and its awaiting list, which were copied whole on every submit and
 * every answer (quadratic in the queue length under load).
 *
 * <p>Every value is a view {@code [start, end)} of a shared append-only buffer. {@link #append}
 * writes in place only when this view ends where the buffer is filled (no other view has appended
 * past it); any other view copies its elements into a fresh buffer. So no value ever sees an
 * element change: a core state kept from earlier (the simulation, a test) stays what it was. The
 * in-place claim is synchronized on the buffer, so values may even be shared across threads.
 * Equality and hash code are {@link List}'s.
 */
final class CommandQueue extends AbstractList<PendingCommand> implements RandomAccess {

  private static final int MIN_CAPACITY = 16;

  /** The shared storage; {@code filled} elements are written and never change. */
  private static final class Buffer {
    final PendingCommand[] items;
    int filled;

    Buffer(int capacity) {
      this.items = new PendingCommand[capacity];
    }
  }

  static final CommandQueue EMPTY = new CommandQueue(new Buffer(0), 0, 0);

  private final Buffer buffer;
  private final int start;
  private final int end;

  private CommandQueue(Buffer buffer, int start, int end) {
    this.buffer = buffer;
    this.start = start;
    this.end = end;
  }

  /** {@code list} as a queue: itself if it is one, else a copy (null elements refused). */
  static CommandQueue of(List<PendingCommand> list) {
    if (list instanceof CommandQueue q) {
      return q;
    }
    if (list.isEmpty()) {
      return EMPTY;
    }
    Buffer b = new Buffer(Math.max(MIN_CAPACITY, list.size()));
    for (PendingCommand c : list) {
      b.items[b.filled++] = Objects.requireNonNull(c, "pending command");
    }
    return new CommandQueue(b, 0, b.filled);
  }

  /** This queue with {@code c} at its end. */
  CommandQueue append(PendingCommand c) {
    Objects.requireNonNull(c, "pending command");
    synchronized (buffer) {
      if (end == buffer.filled && end < buffer.items.length) {
        buffer.items[end] = c;
        buffer.filled = end + 1;
        return new CommandQueue(buffer, start, end + 1);
      }
    }
    int n = size();
    Buffer b = new Buffer(Math.max(MIN_CAPACITY, 2 * (n + 1)));
    System.arraycopy(buffer.items, start, b.items, 0, n);
    b.items[n] = c;
    b.filled = n + 1;
    return new CommandQueue(b, 0, n + 1);
  }

  /** This queue with every element of {@code cs} appended, in order. */
  CommandQueue appendAll(Collection<PendingCommand> cs) {
    CommandQueue q = this;
    for (PendingCommand c : cs) {
      q = q.append(c);
    }
    return q;
  }

  /** This queue without its first {@code n} elements. */
  CommandQueue drop(int n) {
    if (n < 0 || n > size()) {
      throw new IndexOutOfBoundsException("drop " + n + " of " + size());
    }
    return n == size() ? EMPTY : new CommandQueue(buffer, start + n, end);
  }

  /** The first {@code n} elements, as an immutable list of their own. */
  List<PendingCommand> first(int n) {
    if (n < 0 || n > size()) {
      throw new IndexOutOfBoundsException("first " + n + " of " + size());
    }
    return List.of(Arrays.copyOfRange(buffer.items, start, start + n));
  }

  @Override
  public PendingCommand get(int index) {
    Objects.checkIndex(index, size());
    return buffer.items[start + index];
  }

  @Override
  public int size() {
    return end - start;
  }
}
