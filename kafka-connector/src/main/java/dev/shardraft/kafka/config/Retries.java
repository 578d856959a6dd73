package dev.shardraft.kafka.config;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a blocking Kafka call with bounded exponential back-off. Only retriable failures (Kafka's
 * {@link RetriableException}, which includes its timeouts, and {@link
 * java.util.concurrent.TimeoutException}) are retried; anything else, and the last retriable
 * failure, propagates as {@link KafkaOperationException} naming the operation.
 */
public final class Retries {

  private static final Logger LOG = LoggerFactory.getLogger(Retries.class);

  /** A blocking call that may throw. */
  @FunctionalInterface
  public interface Call<T> {
    T call() throws Exception;
  }

  private Retries() {}

  /** Calls {@code call} up to {@code settings.attempts()} times; see the class comment. */
  public static <T> T withBackoff(String operation, RetrySettings settings, Call<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaOperationException(operation + " was interrupted", e);
      } catch (Exception e) {
        Throwable cause = unwrap(e);
        if (!isRetriable(cause) || attempt >= settings.attempts()) {
          throw new KafkaOperationException(
              operation + " failed after " + attempt + " attempt(s): " + cause, cause);
        }
        Duration wait = settings.backoffAfter(attempt);
        LOG.warn(
            "{} failed (attempt {} of {}), retrying in {} ms: {}",
            operation,
            attempt,
            settings.attempts(),
            wait.toMillis(),
            cause.toString());
        LockSupport.parkNanos(wait.toNanos());
      }
    }
  }

  /** Whether {@code t} (after unwrapping futures' wrappers) is worth retrying. */
  public static boolean isRetriable(Throwable t) {
    Throwable cause = unwrap(t);
    return cause instanceof RetriableException
        || cause instanceof java.util.concurrent.TimeoutException;
  }

  /** Strips {@link ExecutionException} and {@link CompletionException} wrappers. */
  public static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
