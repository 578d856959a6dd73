package dev.shardraft.kafka.local;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it until a deadline; never calls {@code Thread.sleep}. */
public final class Await {

  private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();

  private Await() {}

  /**
   * Polls {@code condition} every 50 ms until it holds. An exception thrown by the condition ends
   * the wait and propagates.
   *
   * @throws TimeoutException if it still does not hold after {@code timeout} (or the thread is
   *     interrupted); the message names {@code what}
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition)
      throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("Timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.currentThread().isInterrupted()) {
        throw new TimeoutException("Interrupted while waiting for " + what);
      }
    }
  }
}
