package dev.shardraft.raft.actor;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.raft.core.RaftConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one replica actor. The Raft part (identity, timing, batching, queue limit) is the
 * core's own {@link RaftConfig}, held here, not mirrored; the rest is what only the shell uses.
 * Read from the {@code shardraft.replica} block of {@code reference.conf} (every key documented
 * there) with {@link #fromConfig}; {@link #of} gives the reference defaults; the {@code with*}
 * methods change one value. Immutable.
 *
 * @param raft the core's configuration: shard, self, members, election timeout range, heartbeat
 *     interval, {@code max-batch-size}, {@code max-pending-commands}, {@code max-command-bytes},
 *     {@code session-max-replies}
 * @param snapshotEvery take a snapshot after this many applied log positions; 0 disables
 * @param deleteLogAfterSnapshot after a snapshot is saved, the leader deletes the log below it
 * @param sessionExpiryPositions a client session unused for this many log positions expires
 * @param seed seeds the election-timeout randomness; every replica needs a different one
 * @param stashCapacity messages buffered while the replica loads its durable state
 * @param storageRetryMin first back-off after a failed storage call or tail
 * @param storageRetryMax largest such back-off
 */
public record ReplicaSettings(
    RaftConfig raft,
    long snapshotEvery,
    boolean deleteLogAfterSnapshot,
    long sessionExpiryPositions,
    long seed,
    int stashCapacity,
    Duration storageRetryMin,
    Duration storageRetryMax) {

  /** Where the replica's settings live in the configuration. */
  public static final String PATH = "shardraft.replica";

  public ReplicaSettings {
    Objects.requireNonNull(raft, "raft");
    if (sessionExpiryPositions >= 1) {
      // The window a leader writes into its barriers: always the one configured here.
      raft = raft.withSessionExpiryPositions(sessionExpiryPositions);
    }
    Objects.requireNonNull(storageRetryMin, "storageRetryMin");
    Objects.requireNonNull(storageRetryMax, "storageRetryMax");
    if (snapshotEvery < 0 || sessionExpiryPositions < 1 || stashCapacity < 1) {
      throw new IllegalArgumentException(
          "need snapshotEvery >= 0, sessionExpiryPositions >= 1, stashCapacity >= 1");
    }
    if (storageRetryMin.isNegative() || storageRetryMax.compareTo(storageRetryMin) < 0) {
      throw new IllegalArgumentException("need 0 <= storageRetryMin <= storageRetryMax");
    }
  }

  /**
   * Reads {@code shardraft.replica} from {@code root} (an {@code ActorSystem}'s configuration, for
   * example), falling back to raft-actors' {@code reference.conf} for what is missing. The seed is
   * derived from shard and replica id.
   *
   * @throws ConfigException naming the key, for a missing, mistyped or inconsistent setting
   */
  public static ReplicaSettings fromConfig(
      Config root, String shard, String self, List<String> members) {
    // Keys are read by their full path, so that Typesafe Config's own errors name them whole.
    Config c = root.withFallback(ConfigFactory.defaultReference()).resolve();
    Duration min = positive(c, "election-timeout-min");
    Duration max = positive(c, "election-timeout-max");
    Duration heartbeat = positive(c, "heartbeat-interval");
    if (heartbeat.compareTo(min) >= 0) {
      throw bad(c, "heartbeat-interval", "must be shorter than election-timeout-min (" + min + ")");
    }
    if (max.compareTo(min) < 0) {
      throw bad(c, "election-timeout-max", "must not be shorter than election-timeout-min");
    }
    Duration retryMin = c.getDuration(key("storage-retry.min-backoff"));
    Duration retryMax = c.getDuration(key("storage-retry.max-backoff"));
    if (retryMin.isNegative()) {
      throw bad(c, "storage-retry.min-backoff", "must not be negative");
    }
    if (retryMax.compareTo(retryMin) < 0) {
      throw bad(c, "storage-retry.max-backoff", "must not be shorter than min-backoff");
    }
    RaftConfig raft;
    try {
      raft =
          new RaftConfig(
              shard,
              self,
              members,
              min.toMillis(),
              max.toMillis(),
              heartbeat.toMillis(),
              atLeast(c, "max-batch-size", 1),
              atLeast(c, "max-pending-commands", 1),
              bytesAtLeast(c, "max-command-bytes", 1));
      raft =
          raft.withSessionMaxReplies(atLeast(c, "session-max-replies", 1))
              .withQuiesceAfterMs(durationOrOff(c, "quiesce-after").toMillis());
    } catch (IllegalArgumentException e) { // members or self: not configuration keys
      throw new IllegalArgumentException(shard + "/" + self + ": " + e.getMessage(), e);
    }
    return new ReplicaSettings(
        raft,
        atLeastLong(c, "snapshot-every", 0),
        c.getBoolean(key("delete-log-after-snapshot")),
        atLeastLong(c, "session-expiry-positions", 1),
        (shard + "/" + self).hashCode(),
        atLeast(c, "stash-capacity", 1),
        retryMin,
        retryMax);
  }

  /** The defaults of {@code reference.conf}; the seed is derived from shard and replica id. */
  public static ReplicaSettings of(String shard, String self, List<String> members) {
    return fromConfig(ConfigFactory.empty(), shard, self, members);
  }

  /** The core's configuration. */
  public RaftConfig raftConfig() {
    return raft;
  }

  /** The group's shard key, e.g. {@code orders-0}. */
  public String shard() {
    return raft.shard();
  }

  /** This replica's id, one of {@link #members}. */
  public String self() {
    return raft.self();
  }

  /** Every voting replica of the group, {@link #self} included. */
  public List<String> members() {
    return raft.members();
  }

  public ReplicaSettings withSnapshotEvery(long every) {
    return new ReplicaSettings(
        raft,
        every,
        deleteLogAfterSnapshot,
        sessionExpiryPositions,
        seed,
        stashCapacity,
        storageRetryMin,
        storageRetryMax);
  }

  public ReplicaSettings withDeleteLogAfterSnapshot(boolean delete) {
    return new ReplicaSettings(
        raft,
        snapshotEvery,
        delete,
        sessionExpiryPositions,
        seed,
        stashCapacity,
        storageRetryMin,
        storageRetryMax);
  }

  public ReplicaSettings withSessionExpiryPositions(long positions) {
    return new ReplicaSettings(
        raft,
        snapshotEvery,
        deleteLogAfterSnapshot,
        positions,
        seed,
        stashCapacity,
        storageRetryMin,
        storageRetryMax);
  }

  /** Another reply bound for the sessions this replica registers as leader. */
  public ReplicaSettings withSessionMaxReplies(int replies) {
    return new ReplicaSettings(
        raft.withSessionMaxReplies(replies),
        snapshotEvery,
        deleteLogAfterSnapshot,
        sessionExpiryPositions,
        seed,
        stashCapacity,
        storageRetryMin,
        storageRetryMax);
  }

  public ReplicaSettings withSeed(long newSeed) {
    return new ReplicaSettings(
        raft,
        snapshotEvery,
        deleteLogAfterSnapshot,
        sessionExpiryPositions,
        newSeed,
        stashCapacity,
        storageRetryMin,
        storageRetryMax);
  }

  /** Election timeout range and heartbeat interval. */
  public ReplicaSettings withTiming(Duration min, Duration max, Duration heartbeat) {
    RaftConfig timed =
        new RaftConfig(
            raft.shard(),
            raft.self(),
            raft.members(),
            min.toMillis(),
            max.toMillis(),
            heartbeat.toMillis(),
            raft.maxBatchSize(),
            raft.maxPendingCommands(),
            raft.maxCommandBytes(),
            raft.sessionExpiryPositions(),
            raft.sessionMaxReplies(),
            raft.quiesceAfterMs());
    return new ReplicaSettings(
        timed,
        snapshotEvery,
        deleteLogAfterSnapshot,
        sessionExpiryPositions,
        seed,
        stashCapacity,
        storageRetryMin,
        storageRetryMax);
  }

  /**
   * This configuration with another quiet period before an idle group quiesces ({@code
   * Duration.ZERO}: never). Only for replicas whose host feeds {@code LeaderSuspected} (see {@code
   * quiesce-after} in {@code reference.conf}).
   */
  public ReplicaSettings withQuiesceAfter(Duration quiet) {
    if (quiet.isNegative()) {
      throw new IllegalArgumentException("quiesce-after must not be negative, was " + quiet);
    }
    return new ReplicaSettings(
        raft.withQuiesceAfterMs(quiet.toMillis()),
        snapshotEvery,
        deleteLogAfterSnapshot,
        sessionExpiryPositions,
        seed,
        stashCapacity,
        storageRetryMin,
        storageRetryMax);
  }

  /** A duration, or {@code off} for zero. */
  static Duration durationOrOff(Config c, String key) {
    if (c.getValue(key(key)).unwrapped() instanceof String s && s.trim().equals("off")) {
      return Duration.ZERO;
    }
    Duration d = c.getDuration(key(key));
    if (d.isNegative()) {
      throw bad(c, key, "must be a duration >= 0 or off, was " + d);
    }
    return d;
  }

  private static Duration positive(Config c, String key) {
    Duration d = c.getDuration(key(key));
    if (d.toMillis() < 1) {
      throw bad(c, key, "must be at least 1ms, was " + d);
    }
    return d;
  }

  private static int atLeast(Config c, String key, int min) {
    int v = c.getInt(key(key));
    if (v < min) {
      throw bad(c, key, "must be >= " + min + ", was " + v);
    }
    return v;
  }

  private static int bytesAtLeast(Config c, String key, int min) {
    long v = c.getBytes(key(key));
    if (v < min || v > Integer.MAX_VALUE) {
      throw bad(
          c, key, "must be between " + min + " and " + Integer.MAX_VALUE + " bytes, was " + v);
    }
    return (int) v;
  }

  private static long atLeastLong(Config c, String key, long min) {
    long v = c.getLong(key(key));
    if (v < min) {
      throw bad(c, key, "must be >= " + min + ", was " + v);
    }
    return v;
  }

  private static ConfigException.BadValue bad(Config c, String key, String message) {
    return new ConfigException.BadValue(c.getValue(key(key)).origin(), key(key), message);
  }

  private static String key(String relative) {
    return PATH + "." + relative;
  }
}
