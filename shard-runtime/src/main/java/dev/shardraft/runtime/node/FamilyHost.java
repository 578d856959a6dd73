package dev.shardraft.runtime.node;

import com.typesafe.config.Config;
import dev.shardraft.raft.actor.ReplicaPorts;
import dev.shardraft.raft.actor.ReplicaSettings;
import dev.shardraft.raft.port.QueryableStateMachine;
import dev.shardraft.runtime.metrics.RuntimeMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * What a node needs to host replicas of one group family: the family's groups and members, the
 * state machine factory, the node's Kafka clients, the configuration the replica settings are read
 * from, and the set of replicas running here (for status and tests).
 *
 * @param groups every group id of the family
 * @param members the replica ids of every group ({@code r1 .. rN})
 * @param config the actor system's configuration ({@code shardraft.replica} is read from it)
 * @param handOffTransferTimeout how long a leader being handed off waits for a successor
 * @param localReplicas the entity ids running on this node (concurrent set, updated by entities)
 * @param metrics where the meters of the replicas running here go
 * @param quiesceAfter the quiet period of the replicas' groups ({@code shardraft.runtime
 *     .quiesce-after}; zero: off)
 */
public record FamilyHost(
    String family,
    List<String> groups,
    List<String> members,
    Supplier<? extends QueryableStateMachine<?, ?>> stateMachines,
    EntityTypeKey<ReplicaEntity.Command> typeKey,
    ClusterSharding sharding,
    NodeKafka kafka,
    Config config,
    Duration handOffTransferTimeout,
    Set<String> localReplicas,
    RuntimeMetrics metrics,
    Duration quiesceAfter) {

  /** The settings of replica {@code replica} of {@code group} (fails naming a bad key). */
  public ReplicaSettings replicaSettings(String group, String replica) {
    return ReplicaSettings.fromConfig(config, group, replica, members)
        .withQuiesceAfter(quiesceAfter);
  }

  /** The ports of a replica of {@code group}: the node's Kafka clients, peers through sharding. */
  public ReplicaPorts ports(String group) {
    return new ReplicaPorts(
        kafka.log(group),
        kafka.meta(),
        kafka.snapshots(),
        new ShardedPeers(sharding, typeKey, group),
        ReplicaPorts.monotonicClock());
  }
}
