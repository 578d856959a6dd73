package dev.shardraft.sample.cluster;

import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.Await;
import dev.shardraft.kafka.log.KafkaRaftLog;
import dev.shardraft.raft.actor.PeerRegistry;
import dev.shardraft.raft.actor.RaftReplica;
import dev.shardraft.raft.actor.ReplicaPorts;
import dev.shardraft.raft.actor.ReplicaProtocol;
import dev.shardraft.raft.actor.ReplicaProtocol.GetStatus;
import dev.shardraft.raft.actor.ReplicaProtocol.Read;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadReply;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaRole;
import dev.shardraft.raft.actor.ReplicaSettings;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.QueryableStateMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Raft group of replica actors in one actor system, on Kafka: the replicas of shard {@code s}
 * write and tail {@code raft-log-s}, keep term and vote in {@code raft-meta} and snapshots in
 * {@code raft-snapshot-s}. {@link #start} creates (or checks) those topics with {@link TopicAdmin}
 * and spawns every member; the replicas reach each other through a {@link PeerRegistry}. Each
 * replica gets its own Kafka clients ({@link ReplicaStores}), made fresh at every start, as if it
 * ran on its own node.
 *
 * <p>Replicas can be stopped and started again ({@link #stopReplica}, {@link #startReplica}); a
 * started replica rebuilds its state from the newest snapshot and the log. {@link #stopAsZombie}
 * stops a replica but keeps its last log writer (its Kafka producer) open, as a paused leader
 * process would, to show that it is fenced.
 *
 * <p>Thread-safe: starts and stops are serialized; {@link #ref}, {@link #running}, {@link #status}
 * and {@link #read} never wait for them (clients keep going during a stop). Cluster Sharding of
 * replicas across JVMs is {@code shard-runtime}'s job; this class is the single-JVM assembly.
 *
 * @param <C> command type of the state machine
 * @param <R> reply type of the state machine
 */
public final class KafkaRaftGroup<C, R> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaRaftGroup.class);
  private static final AtomicInteger GROUPS = new AtomicInteger();

  /** How long a replica may take to load its term, vote and snapshot from Kafka. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  /** How long one ask to a replica (status, read, stop) may take. */
  public static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final KafkaSettings kafka;
  private final String shard;
  private final List<String> members;
  private final UnaryOperator<ReplicaSettings> tune;
  private final Supplier<? extends QueryableStateMachine<C, R>> machines;
  private final PeerRegistry peers = new PeerRegistry();
  private final ActorRef<ReplicaHost.Command> host;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Object lifecycle = new Object();
  private final AtomicInteger incarnations = new AtomicInteger();

  private record Running(ActorRef<ReplicaProtocol.Command> ref, ReplicaStores stores) {}

  private KafkaRaftGroup(
      ActorSystem<?> system,
      KafkaSettings kafka,
      String shard,
      List<String> members,
      UnaryOperator<ReplicaSettings> tune,
      Supplier<? extends QueryableStateMachine<C, R>> machines) {
    this.system = system;
    this.kafka = kafka;
    this.shard = shard;
    this.members = List.copyOf(members);
    this.tune = tune;
    this.machines = machines;
    this.host =
        system.systemActorOf(
            ReplicaHost.create(),
            "raft-group-" + shard + "-" + GROUPS.incrementAndGet(),
            Props.empty());
  }

  /**
   * Ensures the shard's topics and starts every member.
   *
   * @param tune changes the runtime defaults of {@link ReplicaSettings#of} per replica (timing,
   *     snapshots); {@code s -> s} keeps them
   * @param machines makes a fresh state machine for each replica start
   */
  public static <C, R> KafkaRaftGroup<C, R> start(
      ActorSystem<?> system,
      KafkaSettings kafka,
      String shard,
      List<String> members,
      UnaryOperator<ReplicaSettings> tune,
      Supplier<? extends QueryableStateMachine<C, R>> machines) {
    try (TopicAdmin admin = new TopicAdmin(kafka)) {
      admin.ensureShardTopics(shard);
    }
    KafkaRaftGroup<C, R> group =
        new KafkaRaftGroup<>(system, kafka, shard, members, tune, machines);
    try {
      members.forEach(group::startReplica);
    } catch (RuntimeException e) {
      try {
        group.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return group;
  }

  /** The group's shard key. */
  public String shard() {
    return shard;
  }

  /** Every member's replica id, running or not. */
  public List<String> members() {
    return members;
  }

  /**
   * The settings replica {@code id} runs with: {@code shardraft.replica} of the actor system's
   * configuration, then {@code tune}.
   */
  public ReplicaSettings settings(String id) {
    return tune.apply(ReplicaSettings.fromConfig(system.settings().config(), shard, id, members));
  }

  /**
   * Starts replica {@code id} (again) with fresh Kafka clients and a fresh state machine, makes it
   * reachable to its peers, and waits until it has loaded term, vote and snapshot.
   */
  public ActorRef<ReplicaProtocol.Command> startReplica(String id) {
    synchronized (lifecycle) {
      return start(id);
    }
  }

  private ActorRef<ReplicaProtocol.Command> start(String id) {
    if (!members.contains(id)) {
      throw new IllegalArgumentException(id + " is not a member of " + members);
    }
    if (running.containsKey(id)) {
      throw new IllegalStateException(id + " is already running");
    }
    ReplicaStores stores = new ReplicaStores(shard, kafka, system);
    ReplicaPorts ports =
        new ReplicaPorts(
            stores.log, stores.meta, stores.snapshots, peers, ReplicaPorts.monotonicClock());
    ActorRef<ReplicaProtocol.Command> ref;
    try {
      ref =
          Asks.ask(
              system,
              host,
              (ActorRef<ActorRef<ReplicaProtocol.Command>> replyTo) ->
                  new ReplicaHost.Spawn(
                      id + "-" + incarnations.incrementAndGet(),
                      RaftReplica.create(settings(id), ports, machines),
                      replyTo),
              ASK_TIMEOUT,
              "spawning replica " + id);
    } catch (RuntimeException e) {
      stores.close();
      throw e;
    }
    running.put(id, new Running(ref, stores));
    peers.register(id, ref);
    Await.value(
        id + " loaded its state",
        START_TIMEOUT,
        () -> Optional.of(status(id)).filter(s -> s.role() != ReplicaRole.STARTING),
        () -> String.valueOf(status(id)));
    return ref;
  }

  /** Stops replica {@code id}, waits until it terminated, and closes its Kafka clients. */
  public void stopReplica(String id) {
    stop(id, false);
  }

  /**
   * Stops replica {@code id} like {@link #stopReplica} but keeps the last log writer it opened
   * alive (see {@link RetainingRaftLog}): the writer of a leader that is "paused", not dead. The
   * caller owns the writer and must close it.
   */
  public Optional<LogWriter> stopAsZombie(String id) {
    return stop(id, true);
  }

  private Optional<LogWriter> stop(String id, boolean keepWriter) {
    synchronized (lifecycle) {
      return stopNow(id, keepWriter);
    }
  }

  private Optional<LogWriter> stopNow(String id, boolean keepWriter) {
    Running r = running.remove(id);
    if (r == null) {
      throw new IllegalStateException(id + " is not running");
    }
    peers.unregister(id);
    if (keepWriter) {
      r.stores().log.retainOnClose();
    }
    try {
      Asks.ask(
          system,
          host,
          (ActorRef<Done> replyTo) -> new ReplicaHost.Stop(r.ref(), replyTo),
          ASK_TIMEOUT,
          "stopping replica " + id);
    } finally {
      r.stores().close();
    }
    LOG.info("{}/{}: stopped{}", shard, id, keepWriter ? " (its writer kept open, a zombie)" : "");
    return keepWriter ? r.stores().log.retained() : Optional.empty();
  }

  /** The running replicas, in member order. */
  public List<String> running() {
    List<String> ids = new ArrayList<>();
    for (String m : members) {
      if (running.containsKey(m)) {
        ids.add(m);
      }
    }
    return ids;
  }

  /** The current actor of replica {@code id}, if it runs. */
  public Optional<ActorRef<ReplicaProtocol.Command>> ref(String id) {
    return Optional.ofNullable(running.get(id)).map(Running::ref);
  }

  /** The Kafka log of replica {@code id}'s current incarnation (its tail metrics, log offsets). */
  public Optional<KafkaRaftLog> kafkaLog(String id) {
    return Optional.ofNullable(running.get(id)).map(r -> r.stores().kafkaLog);
  }

  /** Asks replica {@code id} for its status. */
  public Status status(String id) {
    ActorRef<ReplicaProtocol.Command> ref =
        ref(id).orElseThrow(() -> new IllegalStateException(id + " is not running"));
    return Asks.ask(system, ref, GetStatus::new, ASK_TIMEOUT, "status of " + id);
  }

  /** The status of every running replica. */
  public Map<String, Status> statuses() {
    Map<String, Status> all = new LinkedHashMap<>();
    for (String id : running()) {
      all.put(id, status(id));
    }
    return all;
  }

  /** Reads {@code query} at replica {@code id}. */
  public ReadReply read(String id, ReadMode mode, byte[] query) {
    ActorRef<ReplicaProtocol.Command> ref =
        ref(id).orElseThrow(() -> new IllegalStateException(id + " is not running"));
    return Asks.ask(
        system,
        ref,
        (ActorRef<ReadReply> replyTo) -> new Read(mode, Bytes.of(query), replyTo),
        ASK_TIMEOUT,
        mode + " read at " + id);
  }

  /**
   * Waits until exactly one running replica is a ready leader (its barrier applied) and every
   * running replica follows it in its term; returns the leader's status.
   */
  public Status awaitLeader(Duration timeout) {
    AtomicReference<Map<String, Status>> last = new AtomicReference<>();
    return Await.value(
        "one ready leader followed by every running replica of " + shard,
        timeout,
        () -> {
          last.set(statuses());
          return agreedLeader(last.get());
        },
        () -> String.valueOf(last.get()));
  }

  /** The ready leader that every replica in {@code statuses} follows at its term, if any. */
  public static Optional<Status> agreedLeader(Map<String, Status> statuses) {
    List<Status> leaders = statuses.values().stream().filter(Status::isReadyLeader).toList();
    if (leaders.size() != 1) {
      return Optional.empty();
    }
    Status l = leaders.get(0);
    boolean followed =
        statuses.values().stream()
            .allMatch(s -> s.term() == l.term() && s.leader().equals(Optional.of(l.replica())));
    return followed ? Optional.of(l) : Optional.empty();
  }

  /** Waits until every running replica has applied the log at least up to {@code index}. */
  public Map<String, Status> awaitApplied(long index, Duration timeout) {
    AtomicReference<Map<String, Status>> last = new AtomicReference<>();
    return Await.value(
        "every running replica applied up to " + index,
        timeout,
        () -> {
          last.set(statuses());
          return last.get().values().stream().allMatch(s -> s.appliedIndex() >= index)
              ? Optional.of(last.get())
              : Optional.empty();
        },
        () -> String.valueOf(last.get()));
  }

  /** Stops every running replica and the host actor. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (String id : running()) {
      try {
        stopReplica(id);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    host.tell(ReplicaHost.Shutdown.INSTANCE);
    if (first != null) {
      throw first;
    }
  }
}
