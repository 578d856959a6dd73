package dev.shardraft.runtime.node;

import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Every replica is a shard of its own: shard id = entity id ({@code orders-7/r2}). So the
 * allocation strategy places each replica individually (a shard of several replicas would move them
 * together and could take a group's quorum with it).
 */
public final class OneShardPerReplica
    extends ShardingMessageExtractor<
        ShardingEnvelope<ReplicaEntity.Command>, ReplicaEntity.Command> {

  @Override
  public String entityId(ShardingEnvelope<ReplicaEntity.Command> envelope) {
    return envelope.entityId();
  }

  @Override
  public String shardId(String entityId) {
    return entityId;
  }

  @Override
  public ReplicaEntity.Command unwrapMessage(ShardingEnvelope<ReplicaEntity.Command> envelope) {
    return envelope.message();
  }
}
