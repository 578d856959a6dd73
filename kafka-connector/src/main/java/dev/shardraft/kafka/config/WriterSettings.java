package dev.shardraft.kafka.config;

import java.time.Duration;

/**
 * Group-commit bounds and writer start-up retries.
 *
 * @param maxBatchEntries at most this many entries per transaction (GroupCommitter)
 * @param maxBatchBytes at most about this many payload bytes per transaction (GroupCommitter; a
 *     single larger entry still goes alone)
 * @param linger how long GroupCommitter waits for more entries before committing a partial batch
 * @param openAttempts attempts of {@code initTransactions()} when it times out
 */
public record WriterSettings(
    int maxBatchEntries, long maxBatchBytes, Duration linger, int openAttempts) {

  public WriterSettings {
    if (maxBatchEntries < 1 || maxBatchBytes < 1 || openAttempts < 1 || linger.isNegative()) {
      throw new KafkaSettingsException(
          "shardraft.kafka.writer: need max-batch-entries, max-batch-bytes, open-attempts >= 1 and"
              + " linger >= 0, was "
              + toStringRaw(maxBatchEntries, maxBatchBytes, linger, openAttempts));
    }
  }

  private static String toStringRaw(int entries, long bytes, Duration linger, int attempts) {
    return entries + ", " + bytes + ", " + attempts + ", " + linger;
  }
}
