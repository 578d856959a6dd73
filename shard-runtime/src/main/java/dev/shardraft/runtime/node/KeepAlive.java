package dev.shardraft.runtime.node;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The per-node keep-alive that makes every replica run all the time: every {@code interval} it
 * sends {@link ReplicaEntity.KeepAlive} to every replica of the family through sharding, which
 * starts the entity (allocating its shard first if needed) wherever it belongs. Run on every
 * hosting node, from the moment the node is {@code Up}: any one node suffices, several make it
 * independent of which nodes are alive. Cost: (hosting nodes x groups x replicas) tiny messages per
 * interval.
 *
 * <p>Chosen over remember-entities because the set of entities is static and known from the
 * configuration on every node: remember-entities would store it again (ddata with LMDB durable
 * storage, or event sourcing with a persistence plugin), and would still not start a shard that was
 * never allocated.
 */
public final class KeepAlive {
  private KeepAlive() {}

  private enum Tick {
    INSTANCE
  }

  /** Pings {@code entityIds} now and then every {@code interval}. */
  public static Behavior<Void> create(
      ClusterSharding sharding,
      EntityTypeKey<ReplicaEntity.Command> typeKey,
      List<String> entityIds,
      Duration interval) {
    return Behaviors.<Tick>setup(
            context ->
                Behaviors.withTimers(
                    timers -> {
                      List<EntityRef<ReplicaEntity.Command>> refs =
                          entityIds.stream().map(id -> sharding.entityRefFor(typeKey, id)).toList();
                      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, interval);
                      return Behaviors.receive(Tick.class)
                          .onMessageEquals(
                              Tick.INSTANCE,
                              () -> {
                                refs.forEach(r -> r.tell(ReplicaEntity.KeepAlive.INSTANCE));
                                return Behaviors.same();
                              })
                          .build();
                    }))
        .<Void>unsafeCast();
  }
}
