package dev.shardraft.raft.driver;

import java.time.Duration;

/** Doubling back-off between {@code min} and {@code max}; {@link #reset} after a success. */
public final class Backoff {
  private final Duration min;
  private final Duration max;
  private Duration current;

  public Backoff(Duration min, Duration max) {
    this.min = min;
    this.max = max;
    this.current = min;
  }

  /** The delay to wait now; the following one is twice as long, up to {@code max}. */
  public Duration next() {
    Duration d = current;
    Duration doubled = current.multipliedBy(2);
    current = doubled.compareTo(max) > 0 ? max : doubled;
    return d;
  }

  public void reset() {
    current = min;
  }
}
