package dev.shardraft.raft.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.raft.actor.ReplicaProtocol.Command;
import dev.shardraft.raft.actor.ReplicaProtocol.GetStatus;
import dev.shardraft.raft.actor.ReplicaProtocol.Read;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadReply;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadResult;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaProtocol.Submit;
import dev.shardraft.raft.actor.ReplicaProtocol.SubmitReply;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.memory.InMemoryRaftLog;
import dev.shardraft.raft.memory.InMemoryRaftMetaStore;
import dev.shardraft.raft.memory.InMemorySnapshotStore;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.RaftLog;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A Raft group of replica actors under one {@link ActorTestKit} with {@link ManualTime}, on the
 * in-memory ports (one shared log, meta store and snapshot store, like one Kafka cluster). Virtual
 * time moves only through {@link #advance}, which moves the replicas' clock and the scheduler
 * together. Every message is serialized ({@code serialize-messages = on}).
 */
final class ReplicaGroup implements AutoCloseable {
  static final String SHARD = "orders-0";
  static final Duration WAIT = Duration.ofSeconds(5);

  /** The test kit configuration: manual time and serialization of every message. */
  static Config config() {
    return ManualTime.config()
        .withFallback(ConfigFactory.parseString("pekko.actor.serialize-messages = on"))
        .withFallback(ConfigFactory.load());
  }

  final ActorTestKit kit = ActorTestKit.create(config());
  final ManualTime time = ManualTime.get(kit.system());
  final AtomicLong clock = new AtomicLong(1_000_000);
  final InMemoryRaftLog log = new InMemoryRaftLog(SHARD);
  final InMemoryRaftMetaStore meta = new InMemoryRaftMetaStore();
  final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
  final PeerRegistry peers = new PeerRegistry();

  /**
   * Per replica: what it sees instead of {@link #log} (set before it starts), e.g. a lagging tail.
   */
  final Map<String, RaftLog> logOf = new HashMap<>();

  /** Per replica: its observer (set before it starts); none by default. */
  final Map<String, ReplicaObserver> observerOf = new HashMap<>();

  final List<String> members;
  private final UnaryOperator<ReplicaSettings> tune;
  private final Map<String, ActorRef<Command>> refs = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> starts = new HashMap<>();
  private final Map<String, AtomicBoolean> boom = new HashMap<>();
  private final TestProbe<Status> statusProbe = kit.createTestProbe(Status.class);
  private final TestProbe<SubmitReply> submitProbe = kit.createTestProbe(SubmitReply.class);
  private int spawned;

  ReplicaGroup(List<String> members, UnaryOperator<ReplicaSettings> tune) {
    this.members = List.copyOf(members);
    this.tune = tune;
  }

  static ReplicaGroup ofThree() {
    return new ReplicaGroup(List.of("a", "b", "c"), s -> s);
  }

  ReplicaGroup startAll() {
    members.forEach(this::start);
    return this;
  }

  ReplicaSettings settings(String id) {
    return tune.apply(ReplicaSettings.of(SHARD, id, members).withSeed(id.hashCode() * 7919L));
  }

  /** Starts (or starts again) replica {@code id} and makes it reachable. */
  ActorRef<Command> start(String id) {
    return start(id, true);
  }

  /** Makes replica {@code id} reachable by the others again. */
  void reconnect(String id) {
    peers.register(id, refs.get(id));
  }

  /**
   * Starts (or starts again) replica {@code id}; unless {@code reachable}, the others cannot send
   * to it until {@link #reconnect}.
   */
  ActorRef<Command> start(String id, boolean reachable) {
    AtomicInteger count = starts.computeIfAbsent(id, k -> new AtomicInteger());
    AtomicBoolean failOnce = boom.computeIfAbsent(id, k -> new AtomicBoolean());
    ReplicaPorts ports =
        new ReplicaPorts(
            logOf.getOrDefault(id, log),
            meta,
            snapshots,
            peers,
            clock::get,
            observerOf.getOrDefault(id, ReplicaObserver.NONE));
    ActorRef<Command> ref =
        kit.spawn(
            RaftReplica.<String, String>create(
                settings(id),
                ports,
                () -> {
                  count.incrementAndGet();
                  return new ListMachine(failOnce);
                }),
            id + "-" + (++spawned));
    refs.put(id, ref);
    if (reachable) {
      peers.register(id, ref);
    }
    awaitStarted(id);
    return ref;
  }

  /** Waits until replica {@code id} has loaded its durable state (before time may move). */
  void awaitStarted(String id) {
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            Duration.ofMillis(10),
            () -> {
              assertTrue(!status(id).role().equals(ReplicaRole.STARTING), id + " still starting");
              return null;
            });
  }

  /** Stops replica {@code id} and waits until it has stopped. */
  void stop(String id) {
    peers.unregister(id);
    kit.stop(refs.remove(id), WAIT);
  }

  ActorRef<Command> ref(String id) {
    return refs.get(id);
  }

  List<String> running() {
    return List.copyOf(refs.keySet());
  }

  /** How often replica {@code id}'s state machine was created (one per start or restart). */
  int starts(String id) {
    return starts.get(id).get();
  }

  /** Makes the next snapshot of replica {@code id}'s state machine throw (once). */
  void failNextSnapshot(String id) {
    boom.computeIfAbsent(id, k -> new AtomicBoolean()).set(true);
  }

  /** Moves the replicas' clock and the scheduler by {@code ms}. */
  void advance(long ms) {
    clock.addAndGet(ms);
    time.timePasses(Duration.ofMillis(ms));
  }

  Status status(String id) {
    refs.get(id).tell(new GetStatus(statusProbe.ref()));
    return statusProbe.receiveMessage(WAIT);
  }

  Map<String, Status> statuses() {
    Map<String, Status> all = new LinkedHashMap<>();
    for (String id : refs.keySet()) {
      all.put(id, status(id));
    }
    return all;
  }

  /**
   * Virtual time moves in steps of this many ms. ({@code ManualTime.timePasses} waits 100 ms of
   * real time per call to let dispatchers settle, so steps cannot be tiny.) Timers due inside a
   * step fire at its end, at most one step late; well below the 150 ms election timeout.
   */
  static final long STEP_MS = 50;

  /** Advances virtual time by {@code ms}, in steps of {@link #STEP_MS}. */
  void advanceInSteps(long ms) {
    for (long t = 0; t < ms; t += STEP_MS) {
      advance(STEP_MS);
    }
  }

  /**
   * Advances virtual time in steps, checking the statuses of the running replicas after each step,
   * until {@code done} holds; fails after {@code maxMs} of virtual time.
   */
  Map<String, Status> advanceUntil(long maxMs, String what, Predicate<Map<String, Status>> done) {
    Map<String, Status> last = statuses();
    for (long t = 0; t <= maxMs && !done.test(last); t += STEP_MS) {
      advance(STEP_MS);
      last = statuses();
    }
    assertTrue(
        done.test(last),
        "not reached within " + maxMs + " ms virtual time: " + what + "; statuses " + last);
    return last;
  }

  /** Waits (virtual time) for exactly one ready leader that every running replica follows. */
  String awaitLeader() {
    Map<String, Status> s =
        advanceUntil(
            5_000, "one ready leader followed by all", ReplicaGroup::oneReadyLeaderFollowedByAll);
    return leaderOf(s).orElseThrow();
  }

  static boolean oneReadyLeaderFollowedByAll(Map<String, Status> s) {
    List<Status> leaders = s.values().stream().filter(ReplicaGroup::isLeader).toList();
    if (leaders.size() != 1 || !leaders.get(0).leaderReady()) {
      return false;
    }
    Status l = leaders.get(0);
    return s.values().stream()
        .allMatch(x -> x.term() == l.term() && x.leader().equals(Optional.of(l.replica())));
  }

  static boolean isLeader(Status s) {
    return s.role() == ReplicaRole.LEADER;
  }

  static Optional<String> leaderOf(Map<String, Status> s) {
    return s.values().stream().filter(ReplicaGroup::isLeader).map(Status::replica).findFirst();
  }

  /** Submits and waits for the one answer (no virtual time needs to pass on in-memory ports). */
  SubmitReply submit(String to, String clientId, long sequence, String text) {
    refs.get(to).tell(new Submit(clientId, sequence, bytes(text), submitProbe.ref()));
    SubmitReply reply = submitProbe.receiveMessage(WAIT);
    submitProbe.expectNoMessage(Duration.ofMillis(20)); // answered once
    return reply;
  }

  ReadReply read(String at, ReadMode mode) {
    TestProbe<ReadReply> probe = kit.createTestProbe(ReadReply.class);
    refs.get(at).tell(new Read(mode, Bytes.EMPTY, probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  /** The list held by replica {@code id}, by a stale read. */
  List<String> items(String id) {
    ReadReply r = read(id, ReadMode.STALE);
    assertTrue(r instanceof ReadResult, "stale read at " + id + " answered " + r);
    return ListMachine.items(((ReadResult) r).result().toArray());
  }

  /** Waits until every running replica holds exactly {@code expected}. */
  void awaitItemsEverywhere(List<String> expected) {
    TestProbe<Object> probe = kit.createTestProbe();
    probe.awaitAssert(
        WAIT,
        Duration.ofMillis(20),
        () -> {
          for (String id : refs.keySet()) {
            assertEquals(expected, items(id), "items of " + id);
          }
          return null;
        });
  }

  static Bytes bytes(String s) {
    return Bytes.utf8(s);
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }
}
