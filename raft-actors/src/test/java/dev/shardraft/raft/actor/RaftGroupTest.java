package dev.shardraft.raft.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.actor.ReplicaProtocol.Retry;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaProtocol.SubmitReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three replica actors on the in-memory ports under manual time: elections and commands. */
class RaftGroupTest {
  private ReplicaGroup group;

  @BeforeEach
  void start() {
    group = ReplicaGroup.ofThree().startAll();
  }

  @AfterEach
  void stop() {
    group.close();
  }

  @Test
  void threeReplicasElectExactlyOneLeaderThatStays() {
    String leader = group.awaitLeader();
    long term = group.status(leader).term();
    assertTrue(term >= 1);

    // A second of heartbeats (several election timeouts): no new election, same leader and term.
    group.advanceInSteps(1_000);
    Map<String, Status> after = group.statuses();
    assertTrue(ReplicaGroup.oneReadyLeaderFollowedByAll(after), after.toString());
    assertEquals(Optional.of(leader), ReplicaGroup.leaderOf(after));
    assertEquals(term, after.get(leader).term());
  }

  @Test
  void commandsAreAppliedInTheSameOrderEverywhereAndAnsweredOnce() {
    String leader = group.awaitLeader();
    List<String> expected = new ArrayList<>();
    long lastIndex = -1;
    for (int seq = 1; seq <= 10; seq++) {
      for (String client : List.of("alice", "bob")) {
        String text = client + "-" + seq;
        SubmitReply reply = group.submit(leader, client, seq, text);
        Applied applied = assertInstanceOf(Applied.class, reply, text);
        assertFalse(applied.duplicate());
        assertTrue(applied.index() > lastIndex, "indices increase");
        lastIndex = applied.index();
        expected.add(text);
        assertEquals(String.valueOf(expected.size()), applied.reply().toUtf8());
      }
    }
    group.awaitItemsEverywhere(expected);
  }

  @Test
  void aCommandSentToAFollowerIsAnsweredWithRetryAndTheLeaderHint() {
    String leader = group.awaitLeader();
    String follower = group.members.stream().filter(m -> !m.equals(leader)).findFirst().get();

    Retry retry = assertInstanceOf(Retry.class, group.submit(follower, "alice", 1, "x"));

    assertEquals(Optional.of(leader), retry.leaderHint());
    assertEquals(List.of(), group.items(leader), "nothing applied");
  }

  @Test
  void aRetriedCommandIsAnsweredFromTheSessionAndNotAppliedTwice() {
    String leader = group.awaitLeader();
    Applied first = assertInstanceOf(Applied.class, group.submit(leader, "alice", 1, "once"));

    Applied again = assertInstanceOf(Applied.class, group.submit(leader, "alice", 1, "once"));

    assertTrue(again.duplicate());
    assertEquals(first.index(), again.index());
    assertEquals("1", again.reply().toUtf8());
    group.awaitItemsEverywhere(List.of("once"));
    assertEquals(1, group.status(leader).duplicates());
  }

  @Test
  void whenTheLeaderStopsANewLeaderWithAHigherTermTakesCommandsAndNothingAcknowledgedIsLost() {
    String first = group.awaitLeader();
    long firstTerm = group.status(first).term();
    List<String> acknowledged = new ArrayList<>();
    for (int seq = 1; seq <= 5; seq++) {
      assertInstanceOf(Applied.class, group.submit(first, "alice", seq, "a" + seq));
      acknowledged.add("a" + seq);
    }

    group.stop(first);
    String second = group.awaitLeader();

    assertNotEquals(first, second);
    assertTrue(group.status(second).term() > firstTerm);
    for (int seq = 6; seq <= 8; seq++) {
      assertInstanceOf(Applied.class, group.submit(second, "alice", seq, "a" + seq));
      acknowledged.add("a" + seq);
    }
    group.awaitItemsEverywhere(acknowledged);
  }
}
