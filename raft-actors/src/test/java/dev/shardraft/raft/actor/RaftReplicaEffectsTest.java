package dev.shardraft.raft.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.actor.ReplicaProtocol.Command;
import dev.shardraft.raft.actor.ReplicaProtocol.GetStatus;
import dev.shardraft.raft.actor.ReplicaProtocol.PeerMessage;
import dev.shardraft.raft.actor.ReplicaProtocol.Read;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadReply;
import dev.shardraft.raft.actor.ReplicaProtocol.Retry;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaProtocol.Submit;
import dev.shardraft.raft.actor.ReplicaProtocol.SubmitReply;
import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.core.RetryReason;
import dev.shardraft.raft.memory.InMemoryRaftLog;
import dev.shardraft.raft.memory.InMemoryRaftMetaStore;
import dev.shardraft.raft.memory.InMemorySnapshotStore;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.RaftLog;
import dev.shardraft.raft.port.RaftMetaStore;
import dev.shardraft.raft.port.TailEvent;
import dev.shardraft.raft.port.TermAndVote;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How one replica actor carries out the core's effects, observed from the outside: its peers are
 * test probes, its meta store can hold saves back, time is manual.
 */
class RaftReplicaEffectsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMillis(200);

  private final ActorTestKit kit = ActorTestKit.create(ReplicaGroup.config());
  private final ManualTime time = ManualTime.get(kit.system());
  private final AtomicLong clock = new AtomicLong(5_000);
  private final InMemoryRaftLog log = new InMemoryRaftLog(ReplicaGroup.SHARD);
  private final PeerRegistry peers = new PeerRegistry();
  private final TestProbe<Command> b = kit.createTestProbe(Command.class);
  private final TestProbe<Command> c = kit.createTestProbe(Command.class);
  private final CompletableFuture<Void> loadGate = new CompletableFuture<>();

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private ActorRef<Command> spawn(List<String> members, RaftMetaStore meta) {
    return spawn(members, meta, log);
  }

  private ActorRef<Command> spawn(List<String> members, RaftMetaStore meta, RaftLog raftLog) {
    peers.register("b", b.ref());
    peers.register("c", c.ref());
    ReplicaSettings settings = ReplicaSettings.of(ReplicaGroup.SHARD, "a", members);
    ReplicaPorts ports =
        new ReplicaPorts(raftLog, meta, new InMemorySnapshotStore(), peers, clock::get);
    ActorRef<Command> replica =
        kit.spawn(RaftReplica.<String, String>create(settings, ports, ListMachine::new));
    awaitStarted(replica);
    return replica;
  }

  /** Time must not move before the replica has loaded and armed its first timer. */
  private void awaitStarted(ActorRef<Command> replica) {
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertTrue(!status(replica).role().equals(ReplicaRole.STARTING));
              return null;
            });
  }

  private void advance(long ms) {
    clock.addAndGet(ms);
    time.timePasses(Duration.ofMillis(ms));
  }

  private Status status(ActorRef<Command> replica) {
    TestProbe<Status> probe = kit.createTestProbe(Status.class);
    replica.tell(new GetStatus(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  private static RaftMessage peerMessage(TestProbe<Command> probe) {
    return assertInstanceOf(PeerMessage.class, probe.receiveMessage(WAIT)).message();
  }

  @Test
  void theElectionTimerIsArmedAtStart() {
    spawn(List.of("a", "b", "c"), new InMemoryRaftMetaStore());

    advance(140); // below the 150 ms minimum election timeout
    b.expectNoMessage(QUIET);
    advance(200); // past the 300 ms maximum

    RaftMessage m = peerMessage(b);
    assertEquals(new RaftMessage.PreVoteRequest(1, "a", 0, -1), m);
  }

  @Test
  void noVoteRequestLeavesBeforeTheNewTermAndVoteAreDurable() throws InterruptedException {
    GatedMetaStore meta = new GatedMetaStore();
    ActorRef<Command> a = spawn(List.of("a", "b", "c"), meta);
    advance(350);
    assertInstanceOf(RaftMessage.PreVoteRequest.class, peerMessage(b));
    assertInstanceOf(RaftMessage.PreVoteRequest.class, peerMessage(c));

    a.tell(new PeerMessage(new RaftMessage.PreVoteResponse(0, "b", true)));
    GatedMetaStore.Save save = meta.nextSave();

    assertEquals(new TermAndVote(1, Optional.of("a")), save.value());
    b.expectNoMessage(QUIET);
    c.expectNoMessage(Duration.ZERO);
    GatedMetaStore.release(save);
    RaftMessage.VoteRequest vote = assertInstanceOf(RaftMessage.VoteRequest.class, peerMessage(b));
    assertEquals(1, vote.term());
    assertInstanceOf(RaftMessage.VoteRequest.class, peerMessage(c));
  }

  @Test
  void aFailedTermVoteSaveIsRetriedAndTheVoteRequestWaitsForIt() throws InterruptedException {
    GatedMetaStore meta = new GatedMetaStore();
    ActorRef<Command> a = spawn(List.of("a", "b", "c"), meta);
    advance(350);
    peerMessage(b);
    peerMessage(c);
    a.tell(new PeerMessage(new RaftMessage.PreVoteResponse(0, "b", true)));

    GatedMetaStore.fail(meta.nextSave());
    b.expectNoMessage(QUIET);
    advance(100); // the first storage back-off
    GatedMetaStore.Save retried = meta.nextSave();

    assertEquals(new TermAndVote(1, Optional.of("a")), retried.value());
    b.expectNoMessage(Duration.ZERO);
    GatedMetaStore.release(retried);
    assertInstanceOf(RaftMessage.VoteRequest.class, peerMessage(b));
  }

  @Test
  void aReplicaSupersededByAnotherIncarnationReloadsInsteadOfRetryingItsSave()
      throws InterruptedException {
    GatedMetaStore meta = new GatedMetaStore();
    ActorRef<Command> a = spawn(List.of("a", "b", "c"), meta);
    assertEquals(1, meta.loads());
    advance(350);
    peerMessage(b);
    peerMessage(c);
    a.tell(new PeerMessage(new RaftMessage.PreVoteResponse(0, "b", true)));

    // Another incarnation of "a" (started elsewhere) saved a vote for term 1 first.
    meta.supersede(meta.nextSave(), ReplicaGroup.SHARD, "a", new TermAndVote(1, Optional.of("c")));
    b.expectNoMessage(QUIET);
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            Duration.ofMillis(50),
            () -> {
              advance(50); // the supervisor's restart back-off runs on the test's clock
              assertEquals(2, meta.loads(), "restarted and reloaded term and vote");
              return null;
            });
    awaitStarted(a);
    Status s = status(a);
    assertEquals(1, s.term());
    assertEquals(Optional.of("c"), s.votedFor(), "it adopts the durable vote, never its own");
  }

  @Test
  void aGrantedVoteMakesALeaderThatFencesTheLogWritesItsBarrierAndSendsHeartbeats()
      throws InterruptedException {
    GatedMetaStore meta = new GatedMetaStore();
    ActorRef<Command> a = spawn(List.of("a", "b", "c"), meta);
    advance(350);
    peerMessage(b);
    peerMessage(c);
    a.tell(new PeerMessage(new RaftMessage.PreVoteResponse(0, "b", true)));
    GatedMetaStore.release(meta.nextSave());
    peerMessage(b);
    peerMessage(c);

    a.tell(new PeerMessage(new RaftMessage.VoteResponse(1, "b", true)));

    assertInstanceOf(RaftMessage.Heartbeat.class, peerMessage(b));
    TestProbe<Object> waiter = kit.createTestProbe();
    waiter.awaitAssert(
        WAIT,
        () -> {
          assertTrue(status(a).leaderReady(), "barrier applied from the tail");
          return null;
        });
    TailEvent first = log.store().read(0, 1).get(0);
    // The barrier carries the configured session expiry window (reference.conf: 1,000,000).
    assertEquals(
        new TailEvent.Committed(0, new LogEntry(1, "a", new LogEntry.Barrier(1_000_000))), first);
  }

  @Test
  void aFencedAppendMakesTheLeaderStepDownAndAnswerRetry() {
    ActorRef<Command> a = spawn(List.of("a"), new InMemoryRaftMetaStore());
    advance(350);
    TestProbe<Object> waiter = kit.createTestProbe();
    waiter.awaitAssert(
        WAIT,
        () -> {
          assertTrue(status(a).leaderReady());
          return null;
        });
    log.openWriter(99, "zombie-fencer").toCompletableFuture().join(); // a newer writer

    TestProbe<SubmitReply> client = kit.createTestProbe(SubmitReply.class);
    a.tell(new Submit("alice", 1, ReplicaGroup.bytes("x"), client.ref()));

    Retry retry = assertInstanceOf(Retry.class, client.receiveMessage(WAIT));
    assertEquals(RetryReason.STEPPED_DOWN, retry.reason(), retry.detail());
    assertTrue(retry.detail().contains("fenced"), retry.detail());
    assertEquals(ReplicaRole.FOLLOWER, status(a).role());
    assertEquals(1, log.store().read(0, 100).size(), "only the barrier is in the log");
  }

  @Test
  void aStoppingReplicaAnswersEveryWaitingRequestWithRetry() throws InterruptedException {
    GatedMetaStore meta = new GatedMetaStore();
    ActorRef<Command> a = spawn(List.of("a", "b", "c"), meta);
    advance(350);
    a.tell(new PeerMessage(new RaftMessage.PreVoteResponse(0, "b", true)));
    GatedMetaStore.release(meta.nextSave());
    a.tell(new PeerMessage(new RaftMessage.VoteResponse(1, "b", true)));
    TestProbe<Object> waiter = kit.createTestProbe();
    waiter.awaitAssert(
        WAIT,
        () -> {
          assertTrue(status(a).leaderReady());
          return null;
        });
    // A linearizable read waits for a majority to acknowledge a heartbeat round: the probes never
    // answer, so it stays pending.
    TestProbe<ReadReply> reader = kit.createTestProbe(ReadReply.class);
    a.tell(new Read(ReadMode.LINEARIZABLE, Bytes.EMPTY, reader.ref()));
    reader.expectNoMessage(QUIET);

    kit.stop(a, WAIT);

    Retry retry = assertInstanceOf(Retry.class, reader.receiveMessage(WAIT));
    assertEquals(RetryReason.UNAVAILABLE, retry.reason(), retry.detail());
    assertTrue(retry.detail().contains("stopped"), retry.detail());
  }

  @Test
  void messagesThatArriveWhileTheReplicaLoadsAreHandledAfterwards() {
    InMemoryRaftMetaStore stored = new InMemoryRaftMetaStore();
    RaftMetaStore slowLoad =
        new RaftMetaStore() {
          @Override
          public CompletionStage<TermAndVote> load(String shard, String id) {
            return stored.load(shard, id).thenCompose(tv -> loadGate.thenApply(ignored -> tv));
          }

          @Override
          public CompletionStage<Void> save(String shard, String id, TermAndVote tv) {
            return stored.save(shard, id, tv);
          }
        };
    ReplicaPorts ports =
        new ReplicaPorts(log, slowLoad, new InMemorySnapshotStore(), peers, clock::get);
    ActorRef<Command> a =
        kit.spawn(
            RaftReplica.<String, String>create(
                ReplicaSettings.of(ReplicaGroup.SHARD, "a", List.of("a", "b", "c")),
                ports,
                ListMachine::new));
    TestProbe<SubmitReply> client = kit.createTestProbe(SubmitReply.class);
    assertEquals(ReplicaRole.STARTING, status(a).role());

    a.tell(new Submit("alice", 1, ReplicaGroup.bytes("x"), client.ref()));
    client.expectNoMessage(QUIET);
    loadGate.complete(null);

    Retry retry = assertInstanceOf(Retry.class, client.receiveMessage(WAIT));
    assertEquals(Optional.empty(), retry.leaderHint());
  }

  @Test
  void aFailedTailIsRestartedAfterABackOffFromTheNextIndex() {
    FailingOnceTailLog flaky = new FailingOnceTailLog(log);
    ActorRef<Command> a = spawn(List.of("a"), new InMemoryRaftMetaStore(), flaky);
    advance(350); // a single replica elects itself and writes its barrier at index 0
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertTrue(status(a).leaderReady(), "barrier applied");
              return null;
            });
    TestProbe<SubmitReply> client = kit.createTestProbe(SubmitReply.class);

    a.tell(new Submit("alice", 1, ReplicaGroup.bytes("x"), client.ref()));
    client.expectNoMessage(QUIET); // appended, but the tail broke before delivering it
    advance(150); // past the first back-off (100 ms)

    assertInstanceOf(ReplicaProtocol.Applied.class, client.receiveMessage(WAIT));
    assertEquals(List.of(0L, 1L), flaky.tailsFrom(), "restarted after the applied barrier");
  }
}
