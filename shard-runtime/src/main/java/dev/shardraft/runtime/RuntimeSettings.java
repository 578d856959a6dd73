package dev.shardraft.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;

/**
 * The shard runtime's settings, {@code shardraft.runtime} in {@code reference.conf} (every key
 * documented there). {@link #fromConfig} validates every value and throws a {@link ConfigException}
 * naming the full key. Immutable.
 *
 * @param replicaRole only members with this role host replicas; empty: every member
 * @param defaultReplicas replicas per group unless {@link RaftGroups} sets its own
 * @param minHostingNodes hosting members that must be up before the keep-alive starts replicas; 0
 *     means the family's replica count
 * @param keepAliveInterval how often every node pings every replica
 * @param maxMovesPerRebalance shards moved per rebalance round, at most
 * @param shardBuckets buckets the groups of a family are dealt into; one shard holds one replica id
 *     of every group of a bucket
 * @param handOffTransferTimeout how long a leader being handed off waits for a successor
 * @param attemptTimeout how long one attempt of an ask waits for its answer
 * @param retryPause pause before retrying when the group has no leader to redirect to
 * @param quiesceAfter the quiet period after which an idle group quiesces; zero: never
 * @param livenessInterval how often the node liveness pings every other hosting node
 * @param suspectAfter how long a node may be silent before the local replicas whose quiesced leader
 *     lives there are woken; zero: the replicas' {@code election-timeout-min}
 */
public record RuntimeSettings(
    Optional<String> replicaRole,
    int defaultReplicas,
    int minHostingNodes,
    Duration keepAliveInterval,
    int maxMovesPerRebalance,
    int shardBuckets,
    Duration handOffTransferTimeout,
    Duration attemptTimeout,
    Duration retryPause,
    Duration quiesceAfter,
    Duration livenessInterval,
    Duration suspectAfter) {

  /** Where the settings live in the configuration. */
  public static final String PATH = "shardraft.runtime";

  /**
   * Reads {@code shardraft.runtime} from {@code root} (an actor system's configuration), falling
   * back to shard-runtime's {@code reference.conf} for what is missing.
   *
   * @throws ConfigException naming the key, for a missing, mistyped or inconsistent setting
   */
  public static RuntimeSettings fromConfig(Config root) {
    Config c = root.withFallback(ConfigFactory.defaultReference()).resolve();
    String role = c.getString(key("replica-role")).trim();
    int replicas = c.getInt(key("default-replicas"));
    if (replicas < 1) {
      throw bad(c, "default-replicas", "must be >= 1, was " + replicas);
    }
    int minHosting = c.getInt(key("min-hosting-nodes"));
    if (minHosting < 0) {
      throw bad(c, "min-hosting-nodes", "must be >= 0, was " + minHosting);
    }
    Duration keepAlive = atLeast(c, "keep-alive-interval", Duration.ofMillis(100));
    int moves = c.getInt(key("placement.max-moves-per-rebalance"));
    if (moves < 1) {
      throw bad(c, "placement.max-moves-per-rebalance", "must be >= 1, was " + moves);
    }
    int buckets = c.getInt(key("placement.shard-buckets"));
    if (buckets < 1) {
      throw bad(c, "placement.shard-buckets", "must be >= 1, was " + buckets);
    }
    Duration transfer = atLeast(c, "hand-off.transfer-timeout", Duration.ofMillis(1));
    // Sharding stops waiting for a hand-off after its handoff-timeout: a leader still transferring
    // then would be cut off mid-transfer (and the shard moved while it may still write).
    String shardingHandOff = "pekko.cluster.sharding.handoff-timeout";
    if (c.hasPath(shardingHandOff) && c.getDuration(shardingHandOff).compareTo(transfer) <= 0) {
      throw bad(
          c,
          "hand-off.transfer-timeout",
          "must be shorter than "
              + shardingHandOff
              + " ("
              + c.getDuration(shardingHandOff)
              + "), was "
              + transfer);
    }
    return new RuntimeSettings(
        role.isEmpty() ? Optional.empty() : Optional.of(role),
        replicas,
        minHosting,
        keepAlive,
        moves,
        buckets,
        transfer,
        atLeast(c, "client.attempt-timeout", Duration.ofMillis(1)),
        atLeast(c, "client.retry-pause", Duration.ofMillis(1)),
        durationOrOff(c, "quiesce-after"),
        atLeast(c, "liveness.interval", Duration.ofMillis(10)),
        suspectAfter(c));
  }

  private static Duration durationOrOff(Config c, String key) {
    if (c.getValue(key(key)).unwrapped() instanceof String s && s.trim().equals("off")) {
      return Duration.ZERO;
    }
    return atLeast(c, key, Duration.ZERO);
  }

  private static Duration suspectAfter(Config c) {
    String key = "liveness.suspect-after";
    if (c.getValue(key(key)).unwrapped() instanceof String s
        && s.trim().equals("election-timeout-min")) {
      return Duration.ZERO;
    }
    return atLeast(c, key, Duration.ofMillis(1));
  }

  /** The defaults of {@code reference.conf}. */
  public static RuntimeSettings defaults() {
    return fromConfig(ConfigFactory.empty());
  }

  private static Duration atLeast(Config c, String key, Duration min) {
    Duration d = c.getDuration(key(key));
    if (d.compareTo(min) < 0) {
      throw bad(c, key, "must be at least " + min.toMillis() + "ms, was " + d);
    }
    return d;
  }

  private static ConfigException.BadValue bad(Config c, String key, String message) {
    return new ConfigException.BadValue(c.getValue(key(key)).origin(), key(key), message);
  }

  private static String key(String relative) {
    return PATH + "." + relative;
  }
}
