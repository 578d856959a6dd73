package dev.shardraft.raft.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadResult;
import dev.shardraft.raft.actor.ReplicaProtocol.Retry;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferLeadership;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferRefused;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferReply;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferStarted;
import dev.shardraft.raft.core.ReadMode;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reads (linearizable on the leader, stale anywhere) and leadership transfer. */
class RaftGroupReadAndTransferTest {
  private ReplicaGroup group;
  private String leader;
  private List<String> followers;

  @BeforeEach
  void start() {
    group = ReplicaGroup.ofThree().startAll();
    leader = group.awaitLeader();
    followers = group.members.stream().filter(m -> !m.equals(leader)).toList();
  }

  @AfterEach
  void stop() {
    group.close();
  }

  @Test
  void aLinearizableReadOnTheLeaderSeesEveryAcknowledgedCommand() {
    Applied a = assertInstanceOf(Applied.class, group.submit(leader, "alice", 1, "x"));
    Applied b = assertInstanceOf(Applied.class, group.submit(leader, "alice", 2, "y"));

    ReadResult r = assertInstanceOf(ReadResult.class, group.read(leader, ReadMode.LINEARIZABLE));

    assertEquals(ReadMode.LINEARIZABLE, r.mode());
    assertTrue(r.index() >= b.index() && b.index() > a.index(), "read index " + r.index());
    assertEquals(List.of("x", "y"), ListMachine.items(r.result().toArray()));
  }

  @Test
  void aLinearizableReadOnAFollowerIsRedirectedToTheLeader() {
    Retry r = assertInstanceOf(Retry.class, group.read(followers.get(0), ReadMode.LINEARIZABLE));

    assertEquals(Optional.of(leader), r.leaderHint());
  }

  @Test
  void aStaleReadOnAFollowerAnswersFromItsAppliedState() {
    assertInstanceOf(Applied.class, group.submit(leader, "alice", 1, "x"));
    group.awaitItemsEverywhere(List.of("x"));

    ReadResult r = assertInstanceOf(ReadResult.class, group.read(followers.get(1), ReadMode.STALE));

    assertEquals(ReadMode.STALE, r.mode());
    assertEquals(List.of("x"), ListMachine.items(r.result().toArray()));
    assertEquals(group.status(followers.get(1)).appliedIndex(), r.index());
  }

  @Test
  void leadershipMovesToTheNamedReplica() {
    assertInstanceOf(Applied.class, group.submit(leader, "alice", 1, "before"));
    String target = followers.get(1);
    long term = group.status(leader).term();
    TestProbe<TransferReply> probe = group.kit.createTestProbe(TransferReply.class);

    group.ref(leader).tell(new TransferLeadership(target, probe.ref()));

    assertEquals(new TransferStarted(target), probe.receiveMessage(ReplicaGroup.WAIT));
    group.advanceUntil(
        2_000,
        target + " leads",
        s ->
            ReplicaGroup.oneReadyLeaderFollowedByAll(s)
                && ReplicaGroup.leaderOf(s).equals(Optional.of(target)));
    assertTrue(group.status(target).term() > term);
    assertInstanceOf(Applied.class, group.submit(target, "alice", 2, "after"));
    group.awaitItemsEverywhere(List.of("before", "after"));
  }

  @Test
  void aTransferIsRefusedByAFollowerAndForAnUnknownTarget() {
    TestProbe<TransferReply> probe = group.kit.createTestProbe(TransferReply.class);

    group.ref(followers.get(0)).tell(new TransferLeadership(followers.get(1), probe.ref()));
    TransferRefused notLeader =
        assertInstanceOf(TransferRefused.class, probe.receiveMessage(ReplicaGroup.WAIT));
    group.ref(leader).tell(new TransferLeadership("nobody", probe.ref()));
    TransferRefused unknown =
        assertInstanceOf(TransferRefused.class, probe.receiveMessage(ReplicaGroup.WAIT));

    assertEquals("not leader", notLeader.reason());
    assertEquals("nobody", unknown.target());
  }
}
