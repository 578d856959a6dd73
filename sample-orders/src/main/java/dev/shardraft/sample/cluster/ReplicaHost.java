package dev.shardraft.sample.cluster;

import dev.shardraft.raft.actor.ReplicaProtocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The parent of one group's replica actors in one actor system. In Pekko typed only a parent can
 * stop its child, so spawning and stopping go through this actor; {@link Stop} is answered once the
 * child has terminated (its {@code PostStop} ran: waiting clients answered, tail cancelled, writers
 * closed). Local only: its messages carry behaviors and are never serialized.
 */
public final class ReplicaHost {

  /** What the host does. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Spawns {@code behavior} as a child named {@code name}; answers its ref. */
  public record Spawn(
      String name,
      Behavior<ReplicaProtocol.Command> behavior,
      ActorRef<ActorRef<ReplicaProtocol.Command>> replyTo)
      implements Command {}

  /** Stops the child {@code ref}; answers {@link Done} when it has terminated. */
  public record Stop(ActorRef<ReplicaProtocol.Command> ref, ActorRef<Done> replyTo)
      implements Command {}

  /** Stops the host (its children with it). */
  public enum Shutdown implements Command {
    INSTANCE
  }

  private record ChildTerminated(ActorRef<ReplicaProtocol.Command> ref) implements Command {}

  private ReplicaHost() {}

  /** A host with no replicas yet. */
  public static Behavior<Command> create() {
    return Behaviors.setup(context -> running(context, new HashMap<>()));
  }

  private static Behavior<Command> running(
      ActorContext<Command> context,
      Map<ActorRef<ReplicaProtocol.Command>, List<ActorRef<Done>>> stopping) {
    return Behaviors.receive(Command.class)
        .onMessage(
            Spawn.class,
            m -> {
              ActorRef<ReplicaProtocol.Command> child = context.spawn(m.behavior(), m.name());
              context.watchWith(child, new ChildTerminated(child));
              m.replyTo().tell(child);
              return Behaviors.same();
            })
        .onMessage(
            Stop.class,
            m -> {
              if (context.getChild(m.ref().path().name()).isEmpty()) {
                m.replyTo().tell(Done.getInstance()); // already gone
                return Behaviors.same();
              }
              stopping.computeIfAbsent(m.ref(), r -> new ArrayList<>()).add(m.replyTo());
              context.stop(m.ref());
              return Behaviors.same();
            })
        .onMessageEquals(Shutdown.INSTANCE, Behaviors::stopped)
        .onMessage(
            ChildTerminated.class,
            m -> {
              List<ActorRef<Done>> waiting = stopping.remove(m.ref());
              if (waiting != null) {
                waiting.forEach(w -> w.tell(Done.getInstance()));
              } else {
                context
                    .getLog()
                    .warn(
                        "replica {} terminated without being asked to stop", m.ref().path().name());
              }
              return Behaviors.same();
            })
        .build();
  }
}
