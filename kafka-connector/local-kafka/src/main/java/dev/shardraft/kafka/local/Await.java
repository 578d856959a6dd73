package dev.shardraft.kafka.local;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it every 20 ms until a deadline; never calls {@code
 * Thread.sleep}. The one polling helper of the project: LocalKafka, the tests and the sample's
 * group driver all wait with it.
 */
public final class Await {

  private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

  private Await() {}

  /** A condition that did not hold in time (or a wait that was interrupted). */
  public static final class TimedOutException extends IllegalStateException {
    TimedOutException(String message) {
      super(message);
    }
  }

  /**
   * Polls {@code condition} until it holds. An exception thrown by the condition ends the wait and
   * propagates.
   *
   * @throws TimedOutException if it still does not hold after {@code timeout} (or the thread is
   *     interrupted); the message names {@code what}
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    value(
        what,
        timeout,
        () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(),
        () -> "the condition still false");
  }

  /**
   * Polls {@code probe} until it gives a value, and returns it. An exception thrown by the probe
   * ends the wait and propagates.
   *
   * @param lastSeen describes the last state seen, for the failure message
   * @throws TimedOutException if no value came within {@code timeout} (or the thread is
   *     interrupted); the message names {@code what} and the last state seen
   */
  public static <T> T value(
      String what, Duration timeout, Supplier<Optional<T>> probe, Supplier<String> lastSeen) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new TimedOutException(
            "not reached within "
                + timeout.toMillis()
                + " ms: "
                + what
                + "; last seen: "
                + lastSeen.get());
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.currentThread().isInterrupted()) {
        throw new TimedOutException(
            "interrupted while waiting for " + what + "; last seen: " + lastSeen.get());
      }
    }
  }
}
