package dev.shardraft.runtime.node;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Which Cluster Sharding shard a replica entity ({@code orders-7/r2}) lives in: the groups of a
 * family are dealt into {@code buckets} buckets by their index ({@code orders-<i>} into bucket
 * {@code i mod buckets}), and one shard holds the same replica of every group of one bucket. The
 * shard is named like the bucket's first group: {@code orders-<i mod buckets>/r2}. So a family of
 * at most {@code buckets} groups has one shard per replica (shard id = entity id), and a larger one
 * has {@code buckets x replicas} shards whatever its group count.
 *
 * <p>Why: the shard coordinator writes its whole state (every shard's home) to Distributed Data at
 * every allocation, one allocation at a time, each a majority write. With one shard per replica,
 * 1,024 groups x 3 replicas were 3,072 such writes of a state of up to 3,072 entries before every
 * replica ran, about 600 s on this 2-core machine (docs/RUNTIME-COST.md). With buckets it is {@code
 * buckets x replicas} writes.
 *
 * <p>Why it stays safe: a shard holds one replica id ({@code r2}) of each of its groups, never two
 * replicas of one group. The allocation strategy treats a bucket as it treated a group (the part of
 * the shard id before the last {@code /}): the shards of one bucket live on distinct nodes and at
 * most one of them moves at a time, so no group ever has two replicas moving at once or two on one
 * node. A move hands off every replica of the shard at once (each leader among them transfers its
 * leadership first).
 */
public final class BucketShards
    extends ShardingMessageExtractor<
        ShardingEnvelope<ReplicaEntity.Command>, ReplicaEntity.Command> {

  private final Map<String, String> bucketOfGroup;

  /**
   * @param groups the family's groups in index order ({@code <family>-0 ..})
   * @param buckets how many buckets (at least 1)
   */
  public BucketShards(List<String> groups, int buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1, was " + buckets);
    }
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      m.put(groups.get(i), groups.get(i % buckets));
    }
    this.bucketOfGroup = Map.copyOf(m);
  }

  @Override
  public String entityId(ShardingEnvelope<ReplicaEntity.Command> envelope) {
    return envelope.entityId();
  }

  /**
   * The shard of a replica entity id: {@code <bucket's first group>/<replica>}.
   *
   * @throws IllegalArgumentException for an entity id that is not {@code <group>/<replica>} of one
   *     of this family's groups (nothing else is ever sent to the family's entities)
   */
  @Override
  public String shardId(String entityId) {
    int slash = entityId.lastIndexOf('/');
    String bucket = slash <= 0 ? null : bucketOfGroup.get(entityId.substring(0, slash));
    if (bucket == null || slash == entityId.length() - 1) {
      throw new IllegalArgumentException(
          "replica entity id '"
              + entityId
              + "' is not <group>/<replica> of a group of this family");
    }
    return bucket + entityId.substring(slash);
  }

  @Override
  public ReplicaEntity.Command unwrapMessage(ShardingEnvelope<ReplicaEntity.Command> envelope) {
    return envelope.message();
  }
}
