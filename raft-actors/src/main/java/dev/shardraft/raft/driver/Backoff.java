package dev.shardraft.raft.actor;

import java.time.Duration;

/** Doubling back-off between {@code min} and {@code max}; {@link #reset} after a success. */
final class Backoff {
  private final Duration min;
  private final Duration max;
  private Duration current;

  Backoff(Duration min, Duration max) {
    this.min = min;
    this.max = max;
    this.current = min;
  }

  /** The delay to wait now; the following one is twice as long, up to {@code max}. */
  Duration next() {
    Duration d = current;
    Duration doubled = current.multipliedBy(2);
    current = doubled.compareTo(max) > 0 ? max : doubled;
    return d;
  }

  void reset() {
    current = min;
  }
}
