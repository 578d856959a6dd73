package dev.shardraft.raft.actor;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.actor.ReplicaProtocol.SessionExpired;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Client sessions through the replica's protocol: what a client is told once its session expired.
 */
class RaftGroupSessionTest {
  private ReplicaGroup group;

  @AfterEach
  void stop() {
    group.close();
  }

  @Test
  void aRetryAfterTheSessionExpiredGetsSessionExpiredAndIsNotAppliedAgain() {
    group = new ReplicaGroup(List.of("a", "b", "c"), s -> s.withSessionExpiryPositions(3));
    group.startAll();
    String leader = group.awaitLeader();
    List<String> expected = new ArrayList<>();
    assertInstanceOf(Applied.class, group.submit(leader, "alice", 1, "a1"));
    assertInstanceOf(Applied.class, group.submit(leader, "alice", 2, "a2"));
    expected.addAll(List.of("a1", "a2"));
    // Other clients use up more log positions than alice's session may stay idle for.
    for (int i = 1; i <= 4; i++) {
      assertInstanceOf(Applied.class, group.submit(leader, "bob" + i, 1, "b" + i));
      expected.add("b" + i);
    }
    // alice retries sequence 2 (say its answer was lost): the group cannot tell whether it was
    // applied, so it says so, rather than "rejected" or applying it a second time.
    SessionExpired expired =
        assertInstanceOf(SessionExpired.class, group.submit(leader, "alice", 2, "a2"));
    assertTrue(expired.reason().contains("alice"), expired.reason());
    // A new command of hers on that session is refused the same way: it is not applied.
    assertInstanceOf(SessionExpired.class, group.submit(leader, "alice", 3, "a3"));
    // Every replica holds exactly this: a1 and a2 once each, no a3.
    group.awaitItemsEverywhere(expected);
  }
}
