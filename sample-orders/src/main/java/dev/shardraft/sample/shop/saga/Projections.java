package dev.shardraft.sample.shop.saga;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.projection.EventProjection;
import dev.shardraft.kafka.snapshot.KafkaSnapshotStore;
import dev.shardraft.raft.port.StateMachine;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the exactly-once {@link EventProjection} of every group of a family into its events topic,
 * on one node of the cluster at a time: a Cluster Singleton ({@code <name>}) that starts one
 * projection per group and starts it again {@code restartPause} after it failed (the projection
 * resumes at its committed offset). When the singleton moves (its node left or was downed), the new
 * instance's projections fence the old ones' producers before they rebuild, so an old instance that
 * still runs can commit nothing more (docs/KAFKA-LOG.md): no event is lost or produced twice.
 */
public final class Projections {
  private static final Logger LOG = LoggerFactory.getLogger(Projections.class);

  private Projections() {}

  /** Starts the singleton on this node's cluster (call on every node). */
  public static <C, R> ActorRef<Message> init(
      ActorSystem<?> system,
      String name,
      List<String> groups,
      String eventsTopic,
      Supplier<StateMachine<C, R>> stateMachines,
      long sessionExpiryPositions,
      KafkaSettings kafka,
      Duration restartPause) {
    Behavior<Message> behavior =
        Behaviors.setup(
            ctx -> {
              KafkaSnapshotStore snapshots = new KafkaSnapshotStore(kafka);
              Map<String, EventProjection<C, R>> projections = new HashMap<>();
              for (String g : groups) {
                projections.put(
                    g,
                    new EventProjection<>(
                        g,
                        eventsTopic,
                        stateMachines,
                        sessionExpiryPositions,
                        Optional.of(snapshots),
                        kafka,
                        system));
                ctx.getSelf().tell(new Start(g));
              }
              Map<String, EventProjection.Running> running = new HashMap<>();
              return Behaviors.withTimers(
                  timers ->
                      Behaviors.receive(Message.class)
                          .onMessage(
                              Start.class,
                              s -> {
                                ctx.pipeToSelf(
                                    projections.get(s.group()).start(),
                                    (r, error) ->
                                        error != null
                                            ? new Ended(s.group(), error)
                                            : new Started(s.group(), r));
                                return Behaviors.same();
                              })
                          .onMessage(
                              Started.class,
                              s -> {
                                running.put(s.group(), s.running());
                                LOG.info(
                                    "Projection of {} into {} runs from {}",
                                    s.group(),
                                    eventsTopic,
                                    s.running().resumedAt());
                                ctx.pipeToSelf(
                                    s.running().done(),
                                    (d, error) ->
                                        new Ended(
                                            s.group(),
                                            error != null
                                                ? error
                                                : new IllegalStateException("stream completed")));
                                return Behaviors.same();
                              })
                          .onMessage(
                              Ended.class,
                              e -> {
                                running.remove(e.group());
                                LOG.warn(
                                    "Projection of {} ended ({}); starting it again in {}",
                                    e.group(),
                                    e.error().toString(),
                                    restartPause);
                                timers.startSingleTimer(new Start(e.group()), restartPause);
                                return Behaviors.same();
                              })
                          .onMessage(Stop.class, s -> Behaviors.stopped())
                          .onSignal(
                              PostStop.class,
                              stop -> {
                                running.values().forEach(EventProjection.Running::stop);
                                snapshots.close();
                                return Behaviors.same();
                              })
                          .build());
            });
    return ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                    Behaviors.supervise(behavior)
                        .onFailure(
                            SupervisorStrategy.restartWithBackoff(
                                restartPause, restartPause.multipliedBy(10), 0.2)),
                    name)
                .withStopMessage(new Stop()));
  }

  /** The singleton's protocol. */
  public sealed interface Message {}

  record Start(String group) implements Message {}

  record Started(String group, EventProjection.Running running) implements Message {}

  record Ended(String group, Throwable error) implements Message {}

  /** Hand-over: stop the projections (the next instance fences them anyway). */
  public record Stop() implements Message {}
}
