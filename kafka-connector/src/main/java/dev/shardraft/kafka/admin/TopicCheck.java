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
 *       policy could remove the only snapshot of a truncated log, or a replica's vote);
 *   <li>log, snapshot and meta topics: {@code unclean.leader.election.enable=false} (an unclean
 *       election makes a replica that lacks acknowledged records the partition leader: committed
 *       entries, snapshots or votes are lost);
 *   <li>Kafka's own {@code __transaction_state} and {@code __consumer_offsets} on a cluster of 3+
 *       brokers ({@link #internalProblems}): replication factor &gt;= 3 and {@code
 *       min.insync.replicas} &gt;= 2, since the log's fencing and the projection's exactly-once
 *       offsets live there.
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
   * @param uncleanLeaderElection the topic's {@code unclean.leader.election.enable}
   */
  public record Observed(
      int partitions,
      int replicationFactor,
      int minInsyncReplicas,
      String cleanupPolicy,
      long retentionMs,
      long retentionBytes,
      boolean uncleanLeaderElection) {

    /** A topic with unclean leader election off (Kafka's default). */
    public Observed(
        int partitions,
        int replicationFactor,
        int minInsyncReplicas,
        String cleanupPolicy,
        long retentionMs,
        long retentionBytes) {
      this(
          partitions,
          replicationFactor,
          minInsyncReplicas,
          cleanupPolicy,
          retentionMs,
          retentionBytes,
          false);
    }
  }

  /**
   * How one of Kafka's internal topics is, or will be, replicated: read from the topic if it
   * exists, else from the broker settings that will create it ({@code
   * offsets.topic.replication.factor}, {@code transaction.state.log.replication.factor}, {@code
   * transaction.state.log.min.isr}, {@code min.insync.replicas}).
   *
   * @param topic {@code __transaction_state} or {@code __consumer_offsets}
   * @param exists whether the topic exists yet (Kafka creates both on first use)
   * @param replicationFactor its replication factor
   * @param minInsyncReplicas its {@code min.insync.replicas}
   */
  public record Internal(
      String topic, boolean exists, int replicationFactor, int minInsyncReplicas) {}

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
    if (o.uncleanLeaderElection() && kind != Kind.EVENTS) {
      problems.add(
          topic
              + ": unclean.leader.election.enable=true could elect a replica that lacks"
              + " acknowledged records");
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

  /** Every durability problem of one of Kafka's internal topics; empty when it is safe. */
  public static List<String> internalProblems(Internal t, int brokers) {
    List<String> problems = new ArrayList<>();
    if (brokers < 3) {
      return problems;
    }
    String what = t.exists() ? t.topic() : t.topic() + " (not created yet; from broker settings)";
    if (t.replicationFactor() < 3) {
      problems.add(
          what
              + ": replication factor "
              + t.replicationFactor()
              + " < 3 on a cluster of "
              + brokers
              + " brokers");
    }
    if (t.minInsyncReplicas() < 2) {
      problems.add(
          what
              + ": min.insync.replicas "
              + t.minInsyncReplicas()
              + " < 2 on a cluster of "
              + brokers
              + " brokers");
    }
    return problems;
  }
}
