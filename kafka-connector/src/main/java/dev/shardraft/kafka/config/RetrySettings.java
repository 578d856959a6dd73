package dev.shardraft.kafka.config;

import java.time.Duration;

/**
 * Bounded exponential back-off for operations against an unavailable cluster.
 *
 * @param attempts total attempts, at least 1
 * @param minBackoff wait after the first failure
 * @param maxBackoff cap of the doubling wait
 */
public record RetrySettings(int attempts, Duration minBackoff, Duration maxBackoff) {

  public RetrySettings {
    if (attempts < 1) {
      throw new KafkaSettingsException("retry attempts must be >= 1, was " + attempts);
    }
    if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new KafkaSettingsException(
          "need 0 <= min-backoff <= max-backoff, was " + minBackoff + " and " + maxBackoff);
    }
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} (1-based) failures. */
  public Duration backoffAfter(int attempt) {
    long factor = 1L << Math.min(Math.max(attempt - 1, 0), 20);
    Duration wait = minBackoff.multipliedBy(factor);
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }
}
