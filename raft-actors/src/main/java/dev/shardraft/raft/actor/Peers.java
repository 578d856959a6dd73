package dev.shardraft.raft.actor;

/**
 * How a replica reaches the other replicas of its group. The replica only ever calls {@link #tell};
 * delivery is best effort (Raft tolerates loss, delay and reordering).
 *
 * <p>Under plain {@code ActorTestKit} or a single JVM use {@link PeerRegistry}; under Cluster
 * Sharding, {@code shard-runtime} implements it with {@code EntityRef}s, e.g. {@code (id, m) ->
 * sharding.entityRefFor(typeKey, shard + "/" + id).tell(m)}.
 */
@FunctionalInterface
public interface Peers {

  /** Sends {@code message} to the replica {@code replicaId} of this group, if it can be reached. */
  void tell(String replicaId, ReplicaProtocol.Command message);
}
