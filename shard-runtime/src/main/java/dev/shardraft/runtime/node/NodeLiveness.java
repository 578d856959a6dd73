package dev.shardraft.runtime.node;

import dev.shardraft.raft.actor.ReplicaProtocol.LeaderNodeSuspected;
import dev.shardraft.raft.serialization.CborSerializable;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The failure detector of quiesced groups: one actor per node that sends every other node's
 * liveness actor one small {@link Ping} per interval, for all groups together, and publishes {@link
 * LeaderNodeSuspected} on the local event stream for a node it has not heard from for {@code
 * suspectAfter} (again every second while the silence lasts, and once when the node leaves the
 * receptionist's listing). The replicas (raft-actors' {@code RaftReplica}) whose quiesced leader
 * lives on that node then wake and run a normal pre-vote election.
 *
 * <p>Per node pair: one ping each way per interval (about 20 messages a second per pair at 100 ms),
 * whatever the number of groups; the group's own heartbeats stop while it is quiesced. The nodes
 * find each other through the cluster receptionist ({@link #KEY}).
 */
public final class NodeLiveness {
  private NodeLiveness() {}

  /** The receptionist key every node's liveness actor registers under. */
  public static final ServiceKey<Command> KEY =
      ServiceKey.create(Command.class, "shardraft-node-liveness");

  /** What the liveness actor receives. */
  public sealed interface Command permits Ping, Peers, Tick {}

  /** "I am alive": the only message that crosses the network (Jackson CBOR). */
  public record Ping(ActorRef<Command> from) implements Command, CborSerializable {}

  private record Peers(Receptionist.Listing listing)
      implements Command, NoSerializationVerificationNeeded {}

  private enum Tick implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  // By identity: typed ActorSystem adapters of several systems of one name may compare equal.
  private static final Map<ActorSystem<?>, ActorRef<Command>> STARTED =
      Collections.synchronizedMap(new IdentityHashMap<>());

  /** Starts the node's liveness actor unless it runs already (several families on one node). */
  public static ActorRef<Command> startOnce(
      ActorSystem<?> system, Duration interval, Duration suspectAfter) {
    synchronized (STARTED) {
      return startIn(system, interval, suspectAfter);
    }
  }

  private static ActorRef<Command> startIn(
      ActorSystem<?> system, Duration interval, Duration suspectAfter) {
    return STARTED.computeIfAbsent(
        system,
        s -> {
          ActorRef<Command> ref =
              s.systemActorOf(
                  create(interval, suspectAfter), "shardraft-node-liveness", Props.empty());
          s.getWhenTerminated().thenRun(() -> STARTED.remove(s));
          return ref;
        });
  }

  /** The behavior (one per node). */
  public static Behavior<Command> create(Duration interval, Duration suspectAfter) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
                  ActorRef<Receptionist.Listing> adapter =
                      ctx.messageAdapter(Receptionist.Listing.class, Peers::new);
                  ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY, adapter));
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
                  return new State(ctx, suspectAfter.toMillis()).behavior();
                }));
  }

  private static final long REPUBLISH_MS = 1_000;

  private static final class State {
    private final ActorContext<Command> ctx;
    private final long suspectAfterMs;
    private final Address self;
    private final Map<Address, ActorRef<Command>> peers = new HashMap<>();
    private final Map<Address, Long> lastHeard = new HashMap<>();
    private final Map<Address, Long> suspectedAt = new HashMap<>();

    State(ActorContext<Command> ctx, long suspectAfterMs) {
      this.ctx = ctx;
      this.suspectAfterMs = suspectAfterMs;
      this.self = ctx.getSystem().address();
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Ping.class, this::onPing)
          .onMessage(Peers.class, this::onPeers)
          .onMessageEquals(Tick.INSTANCE, this::onTick)
          .build();
    }

    private static long nowMs() {
      return System.nanoTime() / 1_000_000;
    }

    private Behavior<Command> onPing(Ping p) {
      Address a = p.from().path().address();
      lastHeard.put(a, nowMs());
      if (suspectedAt.remove(a) != null) {
        ctx.getLog().info("node {} is heard from again", a);
      }
      return Behaviors.same();
    }

    private Behavior<Command> onPeers(Peers m) {
      Set<Address> now = new HashSet<>();
      for (ActorRef<Command> ref : m.listing().getServiceInstances(KEY)) {
        Address a = ref.path().address();
        if (a.equals(self) || ref.equals(ctx.getSelf())) {
          continue;
        }
        now.add(a);
        if (peers.put(a, ref) == null) {
          lastHeard.put(a, nowMs()); // a new peer gets a full window
        }
      }
      ctx.getLog().info("node liveness of {}: watching {}", self, now);
      for (Address gone : new HashSet<>(peers.keySet())) {
        if (!now.contains(gone)) {
          peers.remove(gone);
          lastHeard.remove(gone);
          suspectedAt.remove(gone);
          ctx.getLog().info("node {} left: its quiesced followers here wake", gone);
          publish(gone);
        }
      }
      return Behaviors.same();
    }

    private Behavior<Command> onTick() {
      long now = nowMs();
      Ping ping = new Ping(ctx.getSelf());
      for (Map.Entry<Address, ActorRef<Command>> e : peers.entrySet()) {
        e.getValue().tell(ping);
        Address a = e.getKey();
        long silent = now - lastHeard.getOrDefault(a, now);
        if (silent > suspectAfterMs) {
          Long since = suspectedAt.get(a);
          if (since == null) {
            ctx.getLog().info("node {} silent for {} ms: suspected", a, silent);
            suspectedAt.put(a, now);
            publish(a);
          } else if (now - since >= REPUBLISH_MS) {
            suspectedAt.put(a, now);
            publish(a);
          }
        }
      }
      return Behaviors.same();
    }

    private void publish(Address node) {
      ctx.getSystem()
          .eventStream()
          .tell(new EventStream.Publish<>(new LeaderNodeSuspected(node.toString())));
    }
  }
}
