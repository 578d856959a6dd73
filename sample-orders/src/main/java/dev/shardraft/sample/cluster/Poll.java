package dev.shardraft.sample.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Waits for a condition by polling, with a deadline (no sleeps: parks between polls). */
public final class Poll {

  private static final long INTERVAL_NANOS = 20_000_000L;

  private Poll() {}

  /**
   * Polls {@code probe} until it gives a value or {@code timeout} passed.
   *
   * @param lastSeen describes the last state seen, for the failure message
   * @throws IllegalStateException on timeout, naming {@code what} and the last state seen
   */
  public static <T> T until(
      Duration timeout, String what, Supplier<Optional<T>> probe, Supplier<String> lastSeen) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "not reached within "
                + timeout.toMillis()
                + " ms: "
                + what
                + "; last seen: "
                + lastSeen.get());
      }
      LockSupport.parkNanos(INTERVAL_NANOS);
    }
  }
}
