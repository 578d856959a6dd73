package dev.shardraft.kafka.config;

import java.util.regex.Pattern;

/** The names shardraft gives its topics and transactional ids. One place, so they never drift. */
public final class TopicNames {

  /** The compacted topic of every replica's term and vote. */
  public static final String META = "raft-meta";

  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

  private TopicNames() {}

  /** {@code raft-log-<shard>}: the group's log, one partition. */
  public static String log(String shard) {
    return "raft-log-" + checked(shard);
  }

  /** {@code raft-snapshot-<shard>}: the group's snapshots, compacted. */
  public static String snapshot(String shard) {
    return "raft-snapshot-" + checked(shard);
  }

  /** {@code shardraft-<shard>}: the transactional id of the group's leaders. */
  public static String writerTransactionalId(String shard) {
    return "shardraft-" + checked(shard);
  }

  /** {@code shardraft-projection-<shard>}: transactional id and group of the event projection. */
  public static String projectionId(String shard) {
    return "shardraft-projection-" + checked(shard);
  }

  /**
   * {@code shardraft-meta-<shard>-<replica>}: the transactional id with which each incarnation of a
   * replica fences the older ones before it loads and saves its term and vote.
   */
  public static String metaTransactionalId(String shard, String replicaId) {
    return "shardraft-meta-" + checked(shard) + "-" + replicaId;
  }

  /** Refuses shard keys that cannot be part of a topic name. */
  public static String checked(String shard) {
    if (shard == null || !LEGAL.matcher(shard).matches() || shard.length() > 200) {
      throw new IllegalArgumentException(
          "shard key must match [a-zA-Z0-9._-]{1,200} to name Kafka topics, was " + shard);
    }
    return shard;
  }
}
