package dev.shardraft.runtime.node;

import dev.shardraft.raft.actor.Peers;
import dev.shardraft.raft.actor.ReplicaProtocol;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * {@link Peers} through Cluster Sharding: a message to replica {@code r2} of group {@code orders-7}
 * goes to the entity {@code orders-7/r2} wherever it runs now (a moved replica is still reached;
 * one that is being moved gets it once it runs again, buffered by its shard region). Best effort,
 * as Raft expects. {@code EntityRef}s are cached per peer.
 */
public final class ShardedPeers implements Peers {
  private final ClusterSharding sharding;
  private final EntityTypeKey<ReplicaEntity.Command> typeKey;
  private final String group;
  private final ConcurrentMap<String, EntityRef<ReplicaEntity.Command>> refs =
      new ConcurrentHashMap<>();

  public ShardedPeers(
      ClusterSharding sharding, EntityTypeKey<ReplicaEntity.Command> typeKey, String group) {
    this.sharding = sharding;
    this.typeKey = typeKey;
    this.group = group;
  }

  @Override
  public void tell(String replicaId, ReplicaProtocol.Command message) {
    refs.computeIfAbsent(
            replicaId, id -> sharding.entityRefFor(typeKey, ReplicaEntity.entityId(group, id)))
        .tell(new ReplicaEntity.Deliver(message));
  }
}
