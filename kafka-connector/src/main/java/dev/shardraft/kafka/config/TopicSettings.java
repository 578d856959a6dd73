package dev.shardraft.kafka.config;

import java.util.OptionalInt;

/**
 * How shardraft creates and checks its topics.
 *
 * @param replicationFactor fixed replication factor, or empty for "auto" (3 on 3+ brokers, else 1)
 * @param minInsyncReplicas fixed {@code min.insync.replicas}, or empty for "auto" (2 on 3+ brokers,
 *     else 1)
 * @param allowUnsafeTopics run on topics that fail the safety check (with a WARN) instead of
 *     refusing
 * @param snapshotMaxMessageBytes {@code max.message.bytes} of the snapshot topics: the largest
 *     snapshot that can be saved
 */
public record TopicSettings(
    OptionalInt replicationFactor,
    OptionalInt minInsyncReplicas,
    boolean allowUnsafeTopics,
    int snapshotMaxMessageBytes) {

  public TopicSettings {
    replicationFactor.ifPresent(rf -> requirePositive("replication-factor", rf));
    minInsyncReplicas.ifPresent(isr -> requirePositive("min-insync-replicas", isr));
    requirePositive("snapshot-max-message-bytes", snapshotMaxMessageBytes);
  }

  /** The replication factor to create topics with on a cluster of {@code brokers} brokers. */
  public int replicationFactorFor(int brokers) {
    return replicationFactor.orElse(brokers >= 3 ? 3 : 1);
  }

  /** The {@code min.insync.replicas} to create topics with on a cluster of {@code brokers}. */
  public int minInsyncReplicasFor(int brokers) {
    return minInsyncReplicas.orElse(brokers >= 3 ? 2 : 1);
  }

  private static void requirePositive(String key, int value) {
    if (value < 1) {
      throw new KafkaSettingsException(
          "shardraft.kafka.topics." + key + " must be >= 1, was " + value);
    }
  }
}
