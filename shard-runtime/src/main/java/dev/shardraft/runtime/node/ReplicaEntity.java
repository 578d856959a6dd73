package dev.shardraft.runtime.node;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.shardraft.raft.actor.RaftReplica;
import dev.shardraft.raft.actor.ReplicaProtocol;
import dev.shardraft.raft.actor.ReplicaProtocol.GetStatus;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferLeadership;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferReply;
import dev.shardraft.raft.actor.ReplicaRole;
import dev.shardraft.raft.port.QueryableStateMachine;
import dev.shardraft.raft.serialization.CborSerializable;
import dev.shardraft.runtime.metrics.ReplicaMeters;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One replica of one group as a Cluster Sharding entity ({@code <group>/<replica>}, e.g. {@code
 * orders-7/r2}). The entity is a thin parent: it spawns the {@link RaftReplica} as its child with
 * the node's Kafka ports and {@link ShardedPeers}, forwards {@link Deliver}ed replica messages to
 * it, ignores {@link KeepAlive} (its only job is to start the entity) and, on {@link HandOff} (the
 * entity's stop message, sent by sharding before the shard moves), makes a leader hand leadership
 * to a peer first:
 *
 * <ol>
 *   <li>ask the child for its status; not the leader: stop at once;
 *   <li>the leader: {@code TransferLeadership} to the first other member (the next one if that is
 *       refused), then poll the status every {@value #POLL_MS} ms until it is no longer leader, at
 *       most {@code handOffTransferTimeout}; then stop.
 * </ol>
 *
 * Messages keep flowing to the child during the hand-off. A child that stops on its own (it only
 * does when its supervisor gives up) stops the entity; the node's keep-alive starts it again.
 */
public final class ReplicaEntity {

  /** Everything the entity receives. */
  public sealed interface Command {}

  /** A message for the replica inside (from a peer, a client or an operator). */
  public record Deliver(
      @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
          @JsonSubTypes({
            @JsonSubTypes.Type(value = ReplicaProtocol.PeerMessage.class, name = "peer"),
            @JsonSubTypes.Type(value = ReplicaProtocol.Submit.class, name = "submit"),
            @JsonSubTypes.Type(value = ReplicaProtocol.Read.class, name = "read"),
            @JsonSubTypes.Type(value = TransferLeadership.class, name = "transfer"),
            @JsonSubTypes.Type(value = GetStatus.class, name = "status")
          })
          ReplicaProtocol.Command command)
      implements Command, CborSerializable {
    public Deliver {
      Objects.requireNonNull(command, "command");
    }
  }

  /** Asks where the replica runs: answered by the entity itself with {@link Placed}. */
  public record GetPlacement(ActorRef<Placed> replyTo) implements Command, CborSerializable {}

  /**
   * Where a replica runs.
   *
   * @param entityId {@code <group>/<replica>}
   * @param node the cluster address of the node hosting it
   */
  public record Placed(String entityId, String node) implements CborSerializable {}

  /** Starts the entity if it is not running; otherwise nothing. */
  public enum KeepAlive implements Command, CborSerializable {
    INSTANCE
  }

  /** The stop message: hand leadership away if leading, then stop. */
  public enum HandOff implements Command, CborSerializable {
    INSTANCE
  }

  private record HandOffStatus(Status status)
      implements Command, NoSerializationVerificationNeeded {}

  private record TransferAnswer(TransferReply reply)
      implements Command, NoSerializationVerificationNeeded {}

  private enum PollStatus implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private enum HandOffDeadline implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  static final long POLL_MS = 50;

  /** The entity id of replica {@code replica} of {@code group}. */
  public static String entityId(String group, String replica) {
    return group + "/" + replica;
  }

  /** The behavior of entity {@code entityId} of the family {@code host} describes. */
  public static Behavior<Command> create(String entityId, FamilyHost host) {
    return Behaviors.setup(
        context -> {
          int slash = entityId.lastIndexOf('/');
          String group = slash > 0 ? entityId.substring(0, slash) : "";
          String replica = slash > 0 ? entityId.substring(slash + 1) : "";
          if (!host.groups().contains(group) || !host.members().contains(replica)) {
            context
                .getLog()
                .error(
                    "{}: not a replica of family {} (groups {}, members {}); stopping",
                    entityId,
                    host.family(),
                    host.groups().size(),
                    host.members());
            return Behaviors.stopped();
          }
          return Behaviors.withTimers(
              timers -> new ReplicaEntity(entityId, group, replica, host, context, timers).start());
        });
  }

  private final String entityId;
  private final String replica;
  private final FamilyHost host;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ReplicaProtocol.Command> child;
  private int transfersAsked;

  @SuppressWarnings({"unchecked", "rawtypes"})
  private final ReplicaMeters meters;

  private ReplicaEntity(
      String entityId,
      String group,
      String replica,
      FamilyHost host,
      ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    this.entityId = entityId;
    this.replica = replica;
    this.host = host;
    this.context = context;
    this.timers = timers;
    this.meters = host.metrics().replica(group, replica);
    Supplier<? extends QueryableStateMachine> machines = host.stateMachines();
    this.child =
        context.spawn(
            RaftReplica.create(
                host.replicaSettings(group, replica),
                host.ports(group).withObserver(meters),
                (Supplier<QueryableStateMachine<Object, Object>>) (Supplier) machines),
            "replica");
    context.watch(child);
  }

  private Behavior<Command> start() {
    host.localReplicas().add(entityId);
    context.getLog().info("{}: replica entity started", entityId);
    return running();
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Deliver.class, this::forward)
        .onMessage(GetPlacement.class, this::onGetPlacement)
        .onMessageEquals(KeepAlive.INSTANCE, Behaviors::same)
        .onMessageEquals(HandOff.INSTANCE, this::onHandOff)
        .onMessage(HandOffStatus.class, m -> Behaviors.same())
        .onMessage(TransferAnswer.class, m -> Behaviors.same())
        .onSignal(Terminated.class, this::onChildTerminated)
        .onSignal(PostStop.class, this::onPostStop)
        .build();
  }

  private Behavior<Command> handingOff() {
    return Behaviors.receive(Command.class)
        .onMessage(Deliver.class, this::forward)
        .onMessage(GetPlacement.class, this::onGetPlacement)
        .onMessageEquals(KeepAlive.INSTANCE, Behaviors::same)
        .onMessageEquals(HandOff.INSTANCE, Behaviors::same)
        .onMessage(HandOffStatus.class, this::onHandOffStatus)
        .onMessage(TransferAnswer.class, this::onTransferAnswer)
        .onMessageEquals(PollStatus.INSTANCE, this::askStatus)
        .onMessageEquals(HandOffDeadline.INSTANCE, this::onDeadline)
        .onSignal(Terminated.class, this::onChildTerminated)
        .onSignal(PostStop.class, this::onPostStop)
        .build();
  }

  private Behavior<Command> onGetPlacement(GetPlacement m) {
    m.replyTo()
        .tell(
            new Placed(
                entityId,
                org.apache.pekko.cluster.typed.Cluster.get(context.getSystem())
                    .selfMember()
                    .address()
                    .toString()));
    return Behaviors.same();
  }

  private Behavior<Command> forward(Deliver m) {
    child.tell(m.command());
    return Behaviors.same();
  }

  private Behavior<Command> onHandOff() {
    Duration timeout = host.handOffTransferTimeout();
    timers.startSingleTimer(HandOffDeadline.INSTANCE, HandOffDeadline.INSTANCE, timeout);
    askStatus();
    return handingOff();
  }

  private Behavior<Command> askStatus() {
    child.tell(new GetStatus(context.messageAdapter(Status.class, HandOffStatus::new)));
    return Behaviors.same();
  }

  private Behavior<Command> onHandOffStatus(HandOffStatus m) {
    if (m.status().role() != ReplicaRole.LEADER) {
      context
          .getLog()
          .info(
              "{}: handed off as {}{}",
              entityId,
              m.status().role(),
              transfersAsked > 0 ? " after a leadership transfer" : "");
      return Behaviors.stopped();
    }
    if (peers().isEmpty()) {
      return Behaviors.stopped(); // a group of one: nobody to hand over to
    }
    if (transfersAsked == 0) {
      transferToNext();
    }
    timers.startSingleTimer(PollStatus.INSTANCE, PollStatus.INSTANCE, Duration.ofMillis(POLL_MS));
    return Behaviors.same();
  }

  private Behavior<Command> onTransferAnswer(TransferAnswer m) {
    if (m.reply() instanceof ReplicaProtocol.TransferRefused r) {
      context.getLog().info("{}: transfer to {} refused: {}", entityId, r.target(), r.reason());
      if (transfersAsked < peers().size()) {
        transferToNext();
      }
    }
    return Behaviors.same();
  }

  private void transferToNext() {
    String target = peers().get(transfersAsked);
    transfersAsked++;
    context.getLog().info("{}: leader being handed off, transferring to {}", entityId, target);
    child.tell(
        new TransferLeadership(
            target, context.messageAdapter(TransferReply.class, TransferAnswer::new)));
  }

  private Behavior<Command> onDeadline() {
    context
        .getLog()
        .warn(
            "{}: still leader after {}; handing off anyway (the group elects another)",
            entityId,
            host.handOffTransferTimeout());
    return Behaviors.stopped();
  }

  private List<String> peers() {
    return host.members().stream().filter(m -> !m.equals(replica)).toList();
  }

  private Behavior<Command> onChildTerminated(Terminated t) {
    context.getLog().warn("{}: replica actor terminated; stopping the entity", entityId);
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop(PostStop s) {
    host.localReplicas().remove(entityId);
    meters.close();
    return Behaviors.same();
  }
}
