package dev.shardraft.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.utils.Utils;

/**
 * Maps an application key (an order id, a customer id) to the Raft group that owns it, e.g. {@code
 * orders-3}.
 *
 * <p>The mapping must never change for a deployed group name and shard count: a key that moved to
 * another group would be served from the wrong state. It therefore uses murmur2 of the key's UTF-8
 * bytes, exactly as Kafka's default partitioner does for record keys (a fixed algorithm shared by
 * every Kafka client), not {@link String#hashCode()} or anything seeded per JVM. A test pins known
 * values.
 */
public final class ShardResolver {
  private final String groupName;
  private final int shardCount;

  private ShardResolver(String groupName, int shardCount) {
    this.groupName = groupName;
    this.shardCount = shardCount;
  }

  /**
   * @param groupName the name shared by the groups, e.g. {@code orders}; letters, digits, '.', '_'
   *     and '-' only, because it becomes part of Kafka topic names
   * @param shardCount how many groups the keys are spread over, at least 1
   */
  public static ShardResolver of(String groupName, int shardCount) {
    Objects.requireNonNull(groupName, "groupName");
    if (!groupName.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "group name '" + groupName + "' may hold only letters, digits, '.', '_' and '-'");
    }
    if (shardCount < 1) {
      throw new IllegalArgumentException("shard count must be >= 1, was " + shardCount);
    }
    return new ShardResolver(groupName, shardCount);
  }

  /** The shard (Raft group id) that owns {@code key}. */
  public String shardFor(String key) {
    Objects.requireNonNull(key, "key");
    return groupName
        + "-"
        + Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % shardCount;
  }

  /** Every shard id of this group name, in order. */
  public java.util.List<String> allShards() {
    return java.util.stream.IntStream.range(0, shardCount)
        .mapToObj(i -> groupName + "-" + i)
        .toList();
  }

  /** Whether {@code shard} is one of {@link #allShards()}; for rejecting unknown shard ids. */
  public boolean isKnownShard(String shard) {
    String prefix = groupName + "-";
    if (shard == null || !shard.startsWith(prefix)) {
      return false;
    }
    String number = shard.substring(prefix.length());
    if (!number.matches("0|[1-9][0-9]{0,8}")) {
      return false;
    }
    return Integer.parseInt(number) < shardCount;
  }
}
