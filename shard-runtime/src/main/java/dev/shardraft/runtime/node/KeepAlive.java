package dev.shardraft.runtime.node;

import dev.shardraft.runtime.placement.ClusterFormation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The per-node keep-alive that makes every replica run all the time: every {@code interval} it
 * sends {@link ReplicaEntity.KeepAlive} to every replica of the family through sharding, which
 * starts the entity (allocating its shard first if needed) wherever it belongs. Run on every
 * hosting node: any one node suffices, several make it independent of which nodes are alive. Cost:
 * (hosting nodes x groups x replicas) tiny messages per interval.
 *
 * <p>It starts pinging only once {@code minHostingNodes} members with the replica role are {@code
 * Up} (a forming cluster does not put every replica on its first node), and stays on from then, so
 * a cluster that shrinks restarts its lost replicas on the nodes left.
 *
 * <p>Chosen over remember-entities because the set of entities is static and known from the
 * configuration on every node: remember-entities would store it again (ddata with LMDB durable
 * storage, or event sourcing with a persistence plugin), and would still not start a shard that was
 * never allocated.
 */
public final class KeepAlive {

  private enum Tick {
    INSTANCE
  }

  private final ActorContext<Tick> context;
  private final List<EntityRef<ReplicaEntity.Command>> refs;
  private final ClusterFormation formation;
  private final Optional<String> role;

  private KeepAlive(
      ActorContext<Tick> context,
      List<EntityRef<ReplicaEntity.Command>> refs,
      ClusterFormation formation,
      Optional<String> role) {
    this.context = context;
    this.refs = refs;
    this.formation = formation;
    this.role = role;
  }

  /**
   * Pings {@code entityIds} every {@code interval}, once the cluster has formed (at least {@code
   * formation.minHostingNodes()} members with {@code role} (any member if empty) are up.
   */
  public static Behavior<Void> create(
      ClusterSharding sharding,
      EntityTypeKey<ReplicaEntity.Command> typeKey,
      List<String> entityIds,
      Duration interval,
      ClusterFormation formation,
      Optional<String> role) {
    return Behaviors.<Tick>setup(
            context ->
                Behaviors.withTimers(
                    timers -> {
                      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, interval);
                      List<EntityRef<ReplicaEntity.Command>> refs =
                          entityIds.stream().map(id -> sharding.entityRefFor(typeKey, id)).toList();
                      return new KeepAlive(context, refs, formation, role).waiting();
                    }))
        .<Void>unsafeCast();
  }

  private Behavior<Tick> waiting() {
    return Behaviors.receive(Tick.class)
        .onMessageEquals(
            Tick.INSTANCE,
            () -> {
              int up = hostingMembersUp();
              if (!formation.observe(up)) {
                context
                    .getLog()
                    .debug(
                        "{} of {} hosting members up; not starting replicas yet",
                        up,
                        formation.minHostingNodes());
                return Behaviors.same();
              }
              context
                  .getLog()
                  .info("{} hosting members up: keeping {} replicas alive", up, refs.size());
              ping();
              return pinging();
            })
        .build();
  }

  private Behavior<Tick> pinging() {
    return Behaviors.receive(Tick.class)
        .onMessageEquals(
            Tick.INSTANCE,
            () -> {
              ping();
              return Behaviors.same();
            })
        .build();
  }

  private void ping() {
    refs.forEach(r -> r.tell(ReplicaEntity.KeepAlive.INSTANCE));
  }

  private int hostingMembersUp() {
    int count = 0;
    for (Member m : Cluster.get(context.getSystem()).state().getMembers()) {
      if (m.status().equals(MemberStatus.up()) && role.map(m::hasRole).orElse(true)) {
        count++;
      }
    }
    return count;
  }
}
