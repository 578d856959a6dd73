package dev.shardraft.runtime;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.raft.actor.ReplicaProtocol;
import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.actor.ReplicaProtocol.GetStatus;
import dev.shardraft.raft.actor.ReplicaProtocol.Read;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadFailed;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadReply;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadResult;
import dev.shardraft.raft.actor.ReplicaProtocol.Rejected;
import dev.shardraft.raft.actor.ReplicaProtocol.Retry;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaProtocol.Submit;
import dev.shardraft.raft.actor.ReplicaProtocol.SubmitReply;
import dev.shardraft.raft.actor.ReplicaSettings;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.core.apply.SessionRegistration;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.QueryableStateMachine;
import dev.shardraft.runtime.metrics.RuntimeMetrics;
import dev.shardraft.runtime.node.BucketShards;
import dev.shardraft.runtime.node.FamilyHost;
import dev.shardraft.runtime.node.KeepAlive;
import dev.shardraft.runtime.node.NodeKafka;
import dev.shardraft.runtime.node.NodeLiveness;
import dev.shardraft.runtime.node.ReplicaEntity;
import dev.shardraft.runtime.placement.AntiAffinityAllocationStrategy;
import dev.shardraft.runtime.placement.ClusterFormation;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard runtime of one group family on one node: hosts its replicas (when the node has the
 * replica role) and is the family's client (on every node):
 *
 * <pre>{@code
 * ShardedRaft<OrderCommand, OrderReply> orders =
 *     ShardedRaft.init(system, RaftGroups.of("orders", 8, OrdersStateMachine::new));
 * CompletionStage<OrderReply> reply = orders.ask(orderId, command, Duration.ofSeconds(5));
 * }</pre>
 *
 * <p><b>Hosting.</b> {@link #init} creates (or checks) the Kafka topics of every group, then
 * registers the entity type {@code shardraft-<family>} with Cluster Sharding: each replica is an
 * entity {@code <group>/<replica>} in a shard of its own, placed by {@link
 * AntiAffinityAllocationStrategy}, stopped by {@link ReplicaEntity.HandOff} (a leader transfers
 * leadership first), kept running by the node's {@link KeepAlive}. On a member without {@code
 * shardraft.runtime.replica-role} it only starts a sharding proxy (a client-only node).
 *
 * <p><b>Asking.</b> {@link #ask} maps the key to its group ({@link ShardResolver}), encodes the
 * command with the state machine's codec and sends it to the group's cached leader (else a replica
 * in turn) through sharding. It never blocks a thread: attempts are asks with a timeout ({@code
 * client.attempt-timeout}), chained on their completions. A {@code Retry} with a leader hint is
 * followed at once; one without pauses {@code client.retry-pause}; no answer tries the next
 * replica. Every attempt of one ask carries the <b>same</b> {@code (clientId, sequence)}, so the
 * group's session answers a retry of an applied command from the session and never applies it
 * twice.
 *
 * <p><b>Sessions</b> (thesis §6.3). Per group this client <b>registers</b> a session (a replicated
 * registration entry; the group names the session {@code <instance-uuid>/<n>@<log index>} and tells
 * its reply bound, the leader's {@code shardraft.replica.session-max-replies}) and <b>pipelines</b>
 * every ask of that group on it: each ask takes the next sequence, and every command carries the
 * lowest sequence of the session whose ask is not finished yet, so the group keeps replies from
 * there on and discards older ones. A session takes a new sequence only while {@code next -
 * lowestUnfinished < bound}; when it is full, or answered {@code SessionExpired}, the next ask
 * registers a new session. An ask whose outcome stays unknown (timed out) is given up: its sequence
 * stops holding the window back, and a late copy of it is answered {@code Rejected} (below the
 * window) or {@code SessionExpired}, never applied after later commands moved the window past it. A
 * new {@code ShardedRaft} (a restarted client) registers new sessions, so it can never be answered
 * with a reply of an earlier incarnation. Outcomes: the reply, or {@link ShardedRaftException}.
 *
 * <p>Thread-safe.
 *
 * @param <C> the state machine's command type
 * @param <R> the state machine's reply type
 */
public final class ShardedRaft<C, R> {
  private static final Logger LOG = LoggerFactory.getLogger(ShardedRaft.class);

  private final ActorSystem<?> system;
  private final RaftGroups<C, R> groups;
  private final RuntimeSettings settings;
  private final List<String> members;
  private final EntityTypeKey<ReplicaEntity.Command> typeKey;
  private final ClusterSharding sharding;
  private final QueryableStateMachine<C, R> codecs;
  private final Set<String> localReplicas = ConcurrentHashMap.newKeySet();
  private final boolean hosting;
  private final String clientId = UUID.randomUUID().toString();
  private final AtomicLong sessionNames = new AtomicLong();

  /** Per group: the session new asks use, or its registration while under way. */
  private final ConcurrentMap<String, CompletableFuture<Session>> sessions =
      new ConcurrentHashMap<>();

  private final ConcurrentMap<String, String> leaders = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, EntityRef<ReplicaEntity.Command>> refs =
      new ConcurrentHashMap<>();
  private final AtomicLong roundRobin = new AtomicLong();
  private final RuntimeMetrics metrics;

  /** A registered session: its id, reply bound and the sequences of its unfinished asks. */
  private static final class Session {
    final String id;
    final int maxReplies;
    private long nextSequence = 1;
    private final java.util.TreeSet<Long> unfinished = new java.util.TreeSet<>();
    private boolean closed;

    Session(String id, int maxReplies) {
      this.id = id;
      this.maxReplies = maxReplies;
    }

    /** The next sequence, or -1 if the session is closed or its window is full. */
    synchronized long take() {
      long lowest = unfinished.isEmpty() ? nextSequence : unfinished.first();
      if (closed || nextSequence - lowest >= maxReplies) {
        return -1;
      }
      unfinished.add(nextSequence);
      return nextSequence++;
    }

    /** The lowest sequence whose ask is not finished (what every command carries). */
    synchronized long lowestUnacked() {
      return unfinished.isEmpty() ? nextSequence : unfinished.first();
    }

    synchronized void finished(long sequence) {
      unfinished.remove(sequence);
    }

    synchronized void close() {
      closed = true;
    }
  }

  /** A sequence taken on a session. */
  private record Ticket(Session session, long sequence) {}

  private ShardedRaft(
      ActorSystem<?> system,
      RaftGroups<C, R> groups,
      RuntimeSettings settings,
      RuntimeMetrics metrics) {
    this.system = system;
    this.metrics = metrics;
    this.groups = groups;
    this.settings = settings;
    this.members = RaftGroups.members(groups.replicas().orElse(settings.defaultReplicas()));
    this.typeKey =
        EntityTypeKey.create(ReplicaEntity.Command.class, "shardraft-" + groups.family());
    this.sharding = ClusterSharding.get(system);
    this.codecs = groups.stateMachines().get();
    this.hosting =
        settings.replicaRole().map(r -> Cluster.get(system).selfMember().hasRole(r)).orElse(true);
  }

  /**
   * Starts the family on this node. Reads and checks {@code shardraft.runtime}, {@code
   * shardraft.replica} and (on a hosting node) {@code shardraft.kafka}, failing with an exception
   * that names a bad key; on a hosting node creates or checks the topics of every group (blocking,
   * once, at start) and starts hosting and the keep-alive; on every node registers the entity type.
   * Call once per family and actor system.
   */
  public static <C, R> ShardedRaft<C, R> init(ActorSystem<?> system, RaftGroups<C, R> groups) {
    return init(system, groups, RuntimeMetrics.none(groups.family()));
  }

  /**
   * {@link #init(ActorSystem, RaftGroups)}, with the family's meters (replicas running on this
   * node, and this node's client calls) registered in {@code registry}; see docs/METRICS.md.
   */
  public static <C, R> ShardedRaft<C, R> init(
      ActorSystem<?> system, RaftGroups<C, R> groups, MeterRegistry registry) {
    return init(system, groups, RuntimeMetrics.of(registry, groups.family()));
  }

  private static <C, R> ShardedRaft<C, R> init(
      ActorSystem<?> system, RaftGroups<C, R> groups, RuntimeMetrics metrics) {
    RuntimeSettings settings = RuntimeSettings.fromConfig(system.settings().config());
    ShardedRaft<C, R> raft = new ShardedRaft<>(system, groups, settings, metrics);
    raft.start();
    return raft;
  }

  private void start() {
    // Fail now, naming the key, rather than in every replica later.
    FamilyHost host = null;
    if (hosting) {
      ReplicaSettings.fromConfig(system.settings().config(), groups.groups().get(0), "r1", members);
      NodeKafka kafka = new NodeKafka(KafkaSettings.fromConfig(system.settings().config()), system);
      try {
        kafka.checkGroupCount(groups.family(), groups.count());
        kafka.ensureTopics(groups.groups());
      } catch (RuntimeException e) {
        kafka.close();
        throw e;
      }
      system.getWhenTerminated().thenRun(kafka::close);
      host =
          new FamilyHost(
              groups.family(),
              groups.groups(),
              members,
              groups.stateMachines(),
              typeKey,
              sharding,
              kafka,
              system.settings().config(),
              settings.handOffTransferTimeout(),
              localReplicas,
              metrics,
              settings.quiesceAfter());
      if (!settings.quiesceAfter().isZero()) {
        Duration suspectAfter =
            settings.suspectAfter().isZero()
                ? Duration.ofMillis(
                    host.replicaSettings(groups.groups().get(0), members.get(0))
                        .raftConfig()
                        .electionTimeoutMinMs())
                : settings.suspectAfter();
        NodeLiveness.startOnce(system, settings.livenessInterval(), suspectAfter);
      }
    }
    FamilyHost h = host;
    ClusterFormation formation =
        new ClusterFormation(
            settings.minHostingNodes() == 0 ? members.size() : settings.minHostingNodes());
    Entity<ReplicaEntity.Command, ?> entity =
        Entity.of(
                typeKey,
                ctx ->
                    h != null
                        ? ReplicaEntity.create(ctx.getEntityId(), h)
                        : org.apache.pekko.actor.typed.javadsl.Behaviors.stopped())
            .withMessageExtractor(new BucketShards(groups.groups(), settings.shardBuckets()))
            .withAllocationStrategy(
                new AntiAffinityAllocationStrategy(
                    members.size(),
                    settings.maxMovesPerRebalance(),
                    settings.replicaRole(),
                    formation))
            .withStopMessage(ReplicaEntity.HandOff.INSTANCE);
    if (settings.replicaRole().isPresent()) {
      entity = entity.withRole(settings.replicaRole().get());
    }
    sharding.init(entity);
    if (hosting) {
      List<String> ids = new ArrayList<>();
      for (String g : groups.groups()) {
        for (String m : members) {
          ids.add(ReplicaEntity.entityId(g, m));
        }
      }
      org.apache.pekko.cluster.Cluster.get(
              org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
          .registerOnMemberUp(
              () ->
                  system.systemActorOf(
                      KeepAlive.create(
                          sharding,
                          typeKey,
                          ids,
                          settings.keepAliveInterval(),
                          formation,
                          settings.replicaRole()),
                      "shardraft-keep-alive-" + groups.family(),
                      Props.empty()));
    }
    LOG.info(
        "shardraft family {}: {} groups x {} replicas, {} on this node",
        groups.family(),
        groups.count(),
        members.size(),
        hosting ? "hosting" : "client only");
  }

  /** Operator calls on this family: status of all groups, leadership transfer, leader balance. */
  public ShardedRaftAdmin admin() {
    return new ShardedRaftAdmin(this, system);
  }

  /** The family's groups and replica ids. */
  public RaftGroups<C, R> groups() {
    return groups;
  }

  /** The replica ids of every group ({@code r1 .. rN}). */
  public List<String> members() {
    return members;
  }

  /** The sharding entity type of the family's replicas. */
  public EntityTypeKey<ReplicaEntity.Command> typeKey() {
    return typeKey;
  }

  /** Whether this node hosts replicas (it has the replica role). */
  public boolean hosting() {
    return hosting;
  }

  /** The entity ids ({@code <group>/<replica>}) of the replicas running on this node now. */
  public Set<String> localReplicas() {
    return Set.copyOf(localReplicas);
  }

  /**
   * The group that owns {@code key}.
   *
   * @throws IllegalArgumentException for a null or blank key
   */
  public String groupFor(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException(
          "a business key must not be null or blank, was '" + key + "'");
    }
    return groups.resolver().shardFor(key);
  }

  /**
   * Sends {@code command} to the group of {@code key} and completes with the state machine's reply
   * once the command is committed and applied (exactly once, even across retries and leader
   * changes), or with a {@link ShardedRaftException}: {@code Rejected}, {@code Failed} (the state
   * machine threw on it), {@code SessionExpired} (outcome unknown), {@code TimedOut} (outcome
   * unknown), {@code Unavailable} (no leader named within {@code timeout}).
   *
   * @throws IllegalArgumentException at once for a null or blank key, a null command or a
   *     non-positive timeout
   */
  public CompletionStage<R> ask(String key, C command, Duration timeout) {
    String group = groupFor(key);
    if (command == null) {
      throw new IllegalArgumentException("command must not be null");
    }
    checkTimeout(timeout);
    byte[] payload = codecs.commandCodec().encode(command);
    return metrics
        .client()
        .record("ask", submit(group, payload, timeout, true))
        .thenApply(codecs.replyCodec()::decode);
  }

  /**
   * One command on the group's current session. That session may have expired in the group while
   * this client sent nothing: if the first and only attempt is answered {@code SessionExpired},
   * that attempt was decided without being applied and no other copy of the command exists, so it
   * is sent once more on a newly registered session. Any later {@code SessionExpired} (a retry
   * after an attempt whose outcome is unknown) fails the ask with {@link
   * ShardedRaftException.SessionExpired}.
   */
  private CompletionStage<byte[]> submit(
      String group, byte[] payload, Duration timeout, boolean mayRenewSession) {
    long started = System.nanoTime();
    return acquire(group, timeout)
        .thenCompose(
            t -> {
              Duration left = timeout.minusNanos(System.nanoTime() - started);
              return left.isNegative() || left.isZero()
                  ? CompletableFuture.failedFuture(
                      new ShardedRaftException.TimedOut(
                          group, group + ": no time left after registering a session"))
                  : submit(group, payload, t, left, started, timeout, mayRenewSession);
            });
  }

  private CompletionStage<byte[]> submit(
      String group,
      byte[] payload,
      Ticket ticket,
      Duration budget,
      long started,
      Duration timeout,
      boolean mayRenewSession) {
    Session session = ticket.session();
    long sequence = ticket.sequence();
    String what = group + " " + session.id + "#" + sequence;
    AtomicLong sent = new AtomicLong();
    return new Call<SubmitReply, byte[]>(
            group,
            what,
            budget,
            true,
            replyTo -> {
              sent.incrementAndGet();
              return new Submit(
                  session.id, sequence, Bytes.of(payload), session.lowestUnacked(), replyTo);
            },
            reply -> {
              if (reply instanceof Applied a) {
                return Optional.of(a.reply().toArray());
              }
              if (reply instanceof Rejected r) {
                throw new ShardedRaftException.Rejected(group, what + " rejected: " + r.reason());
              }
              if (reply instanceof ReplicaProtocol.Failed f) {
                throw new ShardedRaftException.Failed(
                    group, f.index(), what + " failed at index " + f.index() + ": " + f.reason());
              }
              if (reply instanceof ReplicaProtocol.SessionExpired e) {
                session.close(); // the next ask registers a new session
                throw new ShardedRaftException.SessionExpired(
                    group, what + ": session expired, outcome unknown: " + e.reason());
              }
              return Optional.empty();
            })
        .run()
        .whenComplete(
            // Answered, or given up (outcome unknown): either way its sequence no longer holds the
            // session's window back; a late copy of it is never applied after the window moved.
            (ok, failed) -> session.finished(sequence))
        .exceptionallyCompose(
            thrown -> {
              // A stage after whenComplete sees the failure wrapped in a CompletionException.
              Throwable failed =
                  thrown instanceof java.util.concurrent.CompletionException
                          && thrown.getCause() != null
                      ? thrown.getCause()
                      : thrown;
              Duration left = timeout.minusNanos(System.nanoTime() - started);
              if (failed instanceof ShardedRaftException.SessionExpired
                  && mayRenewSession
                  && sent.get() == 1
                  && !left.isNegative()
                  && !left.isZero()) {
                LOG.debug("{}: pooled session expired in the group; sending on a new one", what);
                return submit(group, payload, left, false);
              }
              return CompletableFuture.failedFuture(failed);
            });
  }

  /**
   * Reads {@code query} (passed to the state machine's {@code query}) from the group of {@code
   * key}: {@link ReadMode#LINEARIZABLE} at the leader after a read-index round; {@link
   * ReadMode#STALE} at whichever replica answers first (its applied state, possibly behind).
   *
   * @throws IllegalArgumentException at once for a null or blank key or a non-positive timeout
   */
  public CompletionStage<byte[]> read(String key, byte[] query, ReadMode mode, Duration timeout) {
    String group = groupFor(key);
    checkTimeout(timeout);
    String what = group + " " + mode + " read";
    CompletionStage<byte[]> call =
        new Call<ReadReply, byte[]>(
                group,
                what,
                timeout,
                mode == ReadMode.LINEARIZABLE,
                replyTo -> new Read(mode, Bytes.of(query), replyTo),
                reply -> {
                  if (reply instanceof ReadResult r) {
                    return Optional.of(r.result().toArray());
                  }
                  if (reply instanceof ReadFailed f) {
                    throw new ShardedRaftException.ReadFailed(
                        group, what + " failed: " + f.reason());
                  }
                  return Optional.empty();
                })
            .run();
    return metrics.client().record("read", call);
  }

  /**
   * Asks replica {@code replica} of {@code group} for its status (operators, tests).
   *
   * @throws IllegalArgumentException at once for a group or replica not of this family
   */
  public CompletionStage<Status> status(String group, String replica, Duration timeout) {
    if (!groups.resolver().isKnownShard(group) || !members.contains(replica)) {
      throw new IllegalArgumentException(
          group
              + "/"
              + replica
              + " is not a replica of family "
              + groups.family()
              + " (groups "
              + groups.family()
              + "-0.."
              + (groups.count() - 1)
              + ", replicas "
              + members
              + ")");
    }
    checkTimeout(timeout);
    return askReplica(
        group,
        replica,
        (ActorRef<Status> replyTo) -> new ReplicaEntity.Deliver(new GetStatus(replyTo)),
        timeout);
  }

  /**
   * Asks one replica through sharding; every ask of the runtime (client and admin) goes through
   * here. The answer completes a plain {@code CompletableFuture} on the system's dispatcher, so
   * callers may chain non-async callbacks on it: on the stage Pekko's javadsl ask returns (Scala's
   * adapter) even a plain {@code whenComplete} runs through {@code ForkJoinPool.commonPool()},
   * whose parallelism is 1 with 2 CPUs, and {@code CompletableFuture} then starts a new thread per
   * callback (docs/BENCHMARKS.md, "A thread per answer on 2 CPUs").
   */
  <Rep> CompletableFuture<Rep> askReplica(
      String group,
      String replica,
      Function<ActorRef<Rep>, ReplicaEntity.Command> message,
      Duration timeout) {
    CompletableFuture<Rep> out = new CompletableFuture<>();
    ref(group, replica)
        .ask(message::apply, timeout)
        .whenCompleteAsync(
            (value, failure) -> {
              if (failure != null) {
                out.completeExceptionally(failure);
              } else {
                out.complete(value);
              }
            },
            system.executionContext());
    return out;
  }

  private static void checkTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  /**
   * A sequence on the group's current session; registers a session first if there is none, or the
   * current one is closed or full.
   */
  private CompletionStage<Ticket> acquire(String group, Duration timeout) {
    CompletableFuture<Session> current = sessions.get(group);
    if (current != null && !current.isDone()) {
      return current.thenCompose(s -> acquire(group, timeout)); // registration under way
    }
    if (current != null && !current.isCompletedExceptionally()) {
      Session s = current.join();
      long seq = s.take();
      if (seq > 0) {
        return CompletableFuture.completedFuture(new Ticket(s, seq));
      }
    }
    CompletableFuture<Session> fresh = new CompletableFuture<>();
    CompletableFuture<Session> seen =
        sessions.compute(group, (g, f) -> f == current || f == null ? fresh : f);
    if (seen == fresh) {
      register(group, timeout)
          .whenComplete(
              (s, failed) -> {
                if (failed != null) {
                  sessions.remove(group, fresh); // the next ask tries again
                  fresh.completeExceptionally(failed);
                } else {
                  fresh.complete(s);
                }
              });
    }
    return seen.thenCompose(s -> acquire(group, timeout));
  }

  /** Registers a new session in {@code group} (a replicated registration entry). */
  private CompletionStage<Session> register(String group, Duration timeout) {
    String name = clientId + "/" + sessionNames.incrementAndGet();
    String what = group + " registration of " + name;
    return new Call<SubmitReply, Session>(
            group,
            what,
            timeout,
            true,
            replyTo -> Submit.registration(name, replyTo),
            reply -> {
              if (reply instanceof Applied a) {
                SessionRegistration.Registered r =
                    SessionRegistration.decodeReply(a.reply().toArray());
                LOG.debug("{}: session {} (reply bound {})", what, r.sessionId(), r.maxReplies());
                return Optional.of(new Session(r.sessionId(), r.maxReplies()));
              }
              if (reply instanceof Rejected r) {
                throw new ShardedRaftException.Rejected(group, what + " rejected: " + r.reason());
              }
              if (reply instanceof ReplicaProtocol.Failed f) {
                throw new ShardedRaftException.Failed(group, f.index(), what + ": " + f.reason());
              }
              if (reply instanceof ReplicaProtocol.SessionExpired e) {
                throw new ShardedRaftException.SessionExpired(group, what + ": " + e.reason());
              }
              return Optional.empty();
            })
        .run();
  }

  private EntityRef<ReplicaEntity.Command> ref(String group, String replica) {
    return refs.computeIfAbsent(
        ReplicaEntity.entityId(group, replica), id -> sharding.entityRefFor(typeKey, id));
  }

  /**
   * One ask or read with its retries: attempt after attempt, each on the completion of the last,
   * until an answer, a refusal, or the deadline.
   */
  private final class Call<Rep, T> {
    private final String group;
    private final String what;
    private final long deadline;
    private final Duration timeout;
    private final boolean toLeader;
    private final Function<ActorRef<Rep>, ReplicaProtocol.Command> message;
    private final Function<Rep, Optional<T>> done;
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private int attempts;
    private int redirectsInRow;
    private boolean leaderNamed;
    private String lastAnswer = "none";

    Call(
        String group,
        String what,
        Duration timeout,
        boolean toLeader,
        Function<ActorRef<Rep>, ReplicaProtocol.Command> message,
        Function<Rep, Optional<T>> done) {
      this.group = group;
      this.what = what;
      this.timeout = timeout;
      this.deadline = System.nanoTime() + timeout.toNanos();
      this.toLeader = toLeader;
      this.message = message;
      this.done = done;
    }

    CompletableFuture<T> run() {
      attempt(Optional.ofNullable(leaders.get(group)).orElseGet(this::anyReplica));
      return result;
    }

    private String anyReplica() {
      return members.get((int) Math.floorMod(roundRobin.getAndIncrement(), (long) members.size()));
    }

    private String after(String replica) {
      return members.get((members.indexOf(replica) + 1) % members.size());
    }

    private void attempt(String target) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        String message =
            what
                + ": no answer within "
                + timeout.toMillis()
                + " ms after "
                + attempts
                + " attempts; last answer: "
                + lastAnswer;
        result.completeExceptionally(
            leaderNamed
                ? new ShardedRaftException.TimedOut(group, message + " (outcome unknown)")
                : new ShardedRaftException.Unavailable(
                    group, message + " (no replica named a leader)"));
        return;
      }
      attempts++;
      Duration budget = Duration.ofNanos(Math.min(left, settings.attemptTimeout().toNanos()));
      askReplica(
              group,
              target,
              (ActorRef<Rep> replyTo) -> new ReplicaEntity.Deliver(message.apply(replyTo)),
              budget)
          .whenComplete((reply, failure) -> onAnswer(target, reply, failure));
    }

    private void onAnswer(String target, Rep reply, Throwable failure) {
      if (failure != null) {
        metrics.client().retried("no-answer");
        lastAnswer = "no answer from " + target;
        leaders.remove(group, target);
        attempt(after(target));
        return;
      }
      Optional<T> value;
      try {
        value = done.apply(reply);
      } catch (ShardedRaftException e) {
        result.completeExceptionally(e);
        return;
      }
      if (value.isPresent()) {
        if (toLeader) {
          leaders.put(group, target);
        }
        result.complete(value.get());
        return;
      }
      Retry r = (Retry) reply;
      metrics.client().retried(r.reason().name().toLowerCase(java.util.Locale.ROOT));
      lastAnswer = "retry from " + target + " (" + r.reason() + "): " + r.detail();
      Optional<String> hint = r.leaderHint().filter(members::contains);
      if (hint.isPresent()) {
        leaderNamed = true;
        leaders.put(group, hint.get());
      } else {
        leaders.remove(group, target);
      }
      if (hint.isPresent() && !hint.get().equals(target) && redirectsInRow < members.size()) {
        redirectsInRow++;
        attempt(hint.get()); // redirected: go there at once
      } else {
        redirectsInRow = 0; // (replicas that name each other during an election: pause too)
        String next = hint.orElseGet(() -> after(target));
        system
            .scheduler()
            .scheduleOnce(settings.retryPause(), () -> attempt(next), system.executionContext());
      }
    }
  }
}
