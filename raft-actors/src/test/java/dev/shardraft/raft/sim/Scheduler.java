package dev.shardraft.raft.sim;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Single-threaded discrete-event scheduler with simulated time. Events owned by a paused replica
 * are postponed to the end of its pause (like a SIGSTOPped process: the world goes on, it does
 * not). On wake-up a real process handles its timers, network input and I/O completions in no fixed
 * order, so postponed events get a small random jitter, except {@code ordered} ones (persistence
 * completions, which the driver runs one at a time).
 */
final class Scheduler {
  /** Who owns an event; {@link #WORLD} for events of no replica (faults, clients). */
  static final int WORLD = -1;

  private record Event(long at, long seq, int owner, boolean ordered, Runnable action)
      implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private final long[] pausedUntil;
  private long now;
  private long seq;
  private long executed;

  private final SplittableRandom random;

  Scheduler(int replicas, SplittableRandom random) {
    this.pausedUntil = new long[replicas];
    this.random = random;
  }

  long now() {
    return now;
  }

  long executed() {
    return executed;
  }

  void at(long time, int owner, Runnable action) {
    queue.add(new Event(Math.max(time, now), seq++, owner, false, action));
  }

  /** An event that must keep its order relative to the owner's other ordered events. */
  void atOrdered(long time, int owner, Runnable action) {
    queue.add(new Event(Math.max(time, now), seq++, owner, true, action));
  }

  void after(long delay, int owner, Runnable action) {
    at(now + delay, owner, action);
  }

  void pause(int replica, long until) {
    pausedUntil[replica] = Math.max(pausedUntil[replica], until);
  }

  /** Ends any pause of an owner slot (a new process takes it). */
  void resume(int owner) {
    pausedUntil[owner] = 0;
  }

  boolean isPaused(int replica) {
    return pausedUntil[replica] > now;
  }

  /** Runs events until {@code until} (inclusive), calling {@code afterEach} after every event. */
  void runUntil(long until, Runnable afterEach) {
    while (!queue.isEmpty() && queue.peek().at <= until) {
      Event e = queue.poll();
      now = e.at;
      if (e.owner != WORLD && pausedUntil[e.owner] > now) {
        long jitter = e.ordered ? 0 : random.nextInt(40);
        queue.add(new Event(pausedUntil[e.owner] + jitter, seq++, e.owner, e.ordered, e.action));
        continue;
      }
      executed++;
      e.action.run();
      afterEach.run();
    }
    now = Math.max(now, until);
  }
}
