package dev.shardraft.kafka.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * The safety rules for an existing topic, as a pure function of what the cluster reports (so they
 * are unit-testable without a broker).
 *
 * <ul>
 *   <li>every shardraft topic on a cluster of 3+ brokers: replication factor &gt;= 3 and {@code
 *       min.insync.replicas} &gt;= 2 (otherwise one broker loss can lose acked data or stop
 *       writes);
 *   <li>the log topic: exactly one partition (the log is totally ordered), no compaction and no
 *       time or size retention ({@code retention.ms = retention.bytes = -1}): only {@code
 *       deleteRecords} after a snapshot may remove entries;
 *   <li>snapshot and meta topics: {@code cleanup.policy=compact} and nothing else (a deleting
 *       policy could remove the only snapshot of a truncated log, or a replica's vote).
 * </ul>
 */
public final class TopicCheck {

  /** Which rules apply to a topic. */
  public enum Kind {
    LOG,
    SNAPSHOT,
    META,
    EVENTS
  }

  /**
   * What the cluster says about a topic.
   *
   * @param partitions partition count
   * @param replicationFactor replicas of partition 0
   * @param minInsyncReplicas the topic's {@code min.insync.replicas}
   * @param cleanupPolicy the topic's {@code cleanup.policy}, e.g. {@code delete} or {@code
   *     compact,delete}
   * @param retentionMs the topic's {@code retention.ms}
   * @param retentionBytes the topic's {@code retention.bytes}
   */
  public record Observed(
      int partitions,
      int replicationFactor,
      int minInsyncReplicas,
      String cleanupPolicy,
      long retentionMs,
      long retentionBytes) {}

  private TopicCheck() {}

  /** Every problem of {@code topic}; empty when it is safe. */
  public static List<String> problems(String topic, Kind kind, Observed o, int brokers) {
    List<String> problems = new ArrayList<>();
    if (brokers >= 3 && o.replicationFactor() < 3) {
      problems.add(
          topic
              + ": replication factor "
              + o.replicationFactor()
              + " < 3 on a cluster of "
              + brokers
              + " brokers");
    }
    if (brokers >= 3 && o.minInsyncReplicas() < 2) {
      problems.add(
          topic
              + ": min.insync.replicas "
              + o.minInsyncReplicas()
              + " < 2 on a cluster of "
              + brokers
              + " brokers");
    }
    List<String> policies = List.of(o.cleanupPolicy().replace(" ", "").split(","));
    switch (kind) {
      case LOG -> {
        if (o.partitions() != 1) {
          problems.add(topic + ": " + o.partitions() + " partitions, a log topic needs exactly 1");
        }
        if (policies.contains("compact")) {
          problems.add(topic + ": cleanup.policy=" + o.cleanupPolicy() + " would compact the log");
        }
        if (o.retentionMs() != -1 || o.retentionBytes() != -1) {
          problems.add(
              topic
                  + ": retention.ms="
                  + o.retentionMs()
                  + ", retention.bytes="
                  + o.retentionBytes()
                  + " would delete log entries no snapshot covers (need -1, -1)");
        }
      }
      case SNAPSHOT, META -> {
        if (!policies.equals(List.of("compact"))) {
          problems.add(topic + ": cleanup.policy=" + o.cleanupPolicy() + ", needs compact only");
        }
      }
      case EVENTS -> {
        // Retention of downstream events is the user's choice.
      }
    }
    return problems;
  }
}
