package dev.shardraft.raft.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.actor.ReplicaProtocol.Failed;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.TermAndVote;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stop/start and supervisor restarts: term and vote survive, state comes from snapshot + log. */
class RaftGroupRecoveryTest {
  private ReplicaGroup group;

  @AfterEach
  void stop() {
    group.close();
  }

  private List<String> submitAll(String leader, String client, int from, int to) {
    List<String> texts = new ArrayList<>();
    for (int seq = from; seq <= to; seq++) {
      assertInstanceOf(Applied.class, group.submit(leader, client, seq, client + seq));
      texts.add(client + seq);
    }
    return texts;
  }

  @Test
  void aRestartedReplicaKeepsItsTermAndVoteAndRebuildsItsStateFromSnapshotAndLog() {
    group =
        new ReplicaGroup(
            List.of("a", "b", "c"), s -> s.withSnapshotEvery(4).withDeleteLogAfterSnapshot(true));
    group.startAll();
    String leader = group.awaitLeader();
    String follower = group.members.stream().filter(m -> !m.equals(leader)).findFirst().get();
    Applied first = assertInstanceOf(Applied.class, group.submit(leader, "alice", 1, "alice1"));
    List<String> expected = new ArrayList<>(List.of("alice1"));
    expected.addAll(submitAll(leader, "alice", 2, 10));
    group.awaitItemsEverywhere(expected);
    group.advanceInSteps(200); // heartbeats tell the leader how far every follower has applied
    expected.addAll(submitAll(leader, "alice", 11, 18)); // more snapshots, now cut the log
    group.awaitItemsEverywhere(expected);
    Status before = group.status(follower);
    TermAndVote durable =
        group.meta.load(ReplicaGroup.SHARD, follower).toCompletableFuture().join();
    assertEquals(new TermAndVote(before.term(), before.votedFor()), durable);

    group.stop(follower);
    group.start(follower, false); // unreachable: nothing but the stores can set its term

    Status after = group.status(follower);
    assertEquals(before.term(), after.term(), "term survives the restart");
    assertEquals(before.votedFor(), after.votedFor(), "vote survives the restart");
    group.reconnect(follower);
    Snapshot snapshot =
        group.snapshots.latest(ReplicaGroup.SHARD).toCompletableFuture().join().orElseThrow();
    assertTrue(
        group.log.store().logStart() > first.index() && snapshot.nextIndex() > first.index(),
        "the first command is no longer in the log, so it can only come from the snapshot");
    group.awaitItemsEverywhere(expected);
    assertEquals(2, group.starts(follower));
    // And the restarted replica keeps taking part: more commands reach it too.
    expected.addAll(submitAll(leader, "alice", 19, 20));
    group.awaitItemsEverywhere(expected);
  }

  @Test
  void aSupervisorRestartReloadsTermAndVoteAndReappliesTheLog() {
    group = new ReplicaGroup(List.of("a", "b", "c"), s -> s.withSnapshotEvery(4));
    group.startAll();
    String leader = group.awaitLeader();
    String follower = group.members.stream().filter(m -> !m.equals(leader)).findFirst().get();
    List<String> expected = submitAll(leader, "alice", 1, 3);
    group.awaitItemsEverywhere(expected);
    Status before = group.status(follower);
    group.failNextSnapshot(follower);

    // The follower's next snapshot throws (a fault outside any command's result): its actor
    // restarts. (A throw while applying a command is that command's result instead: see
    // aPoisonCommandFailsAlikeEverywhereWithNoRestartAndNoLeaderChange.)
    expected.addAll(submitAll(leader, "alice", 4, 7));
    // Let the restart back-off (100-120 ms) pass before asking the restarting replica anything.
    group.advanceInSteps(500);
    group.advanceUntil(
        2_000,
        follower + " restarted and caught up",
        s ->
            group.starts(follower) == 2
                && s.get(follower).appliedIndex() == s.get(leader).appliedIndex());

    Status after = group.status(follower);
    assertEquals(before.term(), after.term());
    assertEquals(before.votedFor(), after.votedFor());
    assertEquals(Optional.of(leader), after.leader());
    group.awaitItemsEverywhere(expected);
  }

  @Test
  void aPoisonCommandFailsAlikeEverywhereWithNoRestartAndNoLeaderChange() {
    group = ReplicaGroup.ofThree().startAll();
    String leader = group.awaitLeader();
    List<String> expected = submitAll(leader, "alice", 1, 2);
    long term = group.status(leader).term();

    // "poison" throws in every replica's state machine: the entry's result is Failed.
    Failed failed = assertInstanceOf(Failed.class, group.submit(leader, "alice", 3, "poison"));
    assertFalse(failed.duplicate());
    assertTrue(failed.reason().contains("poison at " + failed.index()), failed.reason());
    // A retry is answered from the session with the same failure, not applied again.
    Failed again = assertInstanceOf(Failed.class, group.submit(leader, "alice", 3, "poison"));
    assertEquals(new Failed(failed.index(), failed.reason(), true), again);
    // The log goes on: the next command is applied everywhere, no replica restarted, and the
    // leader and its term did not change.
    expected.addAll(submitAll(leader, "alice", 4, 5));
    group.awaitItemsEverywhere(expected);
    for (String m : group.members) {
      assertEquals(1, group.starts(m), m + " never restarted");
      Status s = group.status(m);
      assertEquals(term, s.term(), m + "'s term");
      assertTrue(s.appliedIndex() > failed.index(), m + " applied past the poison command");
    }
    assertEquals(leader, group.awaitLeader());
  }

  @Test
  void aRestartedOldLeaderRejoinsAsFollowerWithoutDeposingTheNewLeader() {
    group = ReplicaGroup.ofThree().startAll();
    String first = group.awaitLeader();
    List<String> expected = submitAll(first, "bob", 1, 3);

    group.stop(first);
    String second = group.awaitLeader();
    long secondTerm = group.status(second).term();
    group.start(first);

    String leader = group.awaitLeader();
    assertEquals(second, leader, "the rejoining replica does not depose the new leader");
    assertEquals(secondTerm, group.status(first).term(), "it adopted the new term");
    expected.addAll(submitAll(leader, "bob", 4, 5));
    group.awaitItemsEverywhere(expected);
  }
}
