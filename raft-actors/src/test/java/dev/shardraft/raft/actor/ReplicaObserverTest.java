package dev.shardraft.raft.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.core.AppliedEntry;
import dev.shardraft.raft.core.RaftState;
import dev.shardraft.raft.core.Role;
import dev.shardraft.raft.core.apply.ApplyResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a replica tells its {@link ReplicaObserver}, and that a failing observer changes nothing.
 */
class ReplicaObserverTest {

  /** Records what one replica reports. */
  static final class Recording implements ReplicaObserver {
    final List<String> roles = new CopyOnWriteArrayList<>();
    final List<ApplyResult> applied = new CopyOnWriteArrayList<>();
    final List<Integer> appendedBatches = new CopyOnWriteArrayList<>();
    final AtomicLong commitIndex = new AtomicLong(-1);
    final AtomicLong lastAppliedIndex = new AtomicLong(-1);

    @Override
    public void stepped(RaftState state) {
      lastAppliedIndex.set(state.appliedIndex());
    }

    @Override
    public void roleChanged(RaftState before, RaftState after) {
      roles.add(after.role().name() + "@" + after.term());
    }

    @Override
    public void commitIndexLearned(long index) {
      commitIndex.accumulateAndGet(index, Math::max);
    }

    @Override
    public void applied(ApplyResult result) {
      applied.add(result);
    }

    @Override
    public void appended(int entries, long elapsedMs, boolean succeeded) {
      assertTrue(succeeded);
      assertTrue(elapsedMs >= 0);
      appendedBatches.add(entries);
    }
  }

  private final ReplicaGroup group = ReplicaGroup.ofThree();

  @AfterEach
  void close() {
    group.close();
  }

  @Test
  void aReplicaReportsItsRoleAppendsAppliesAndTheCommitIndexItLearns() {
    Map<String, Recording> seen = new ConcurrentHashMap<>();
    for (String id : group.members) {
      Recording r = new Recording();
      seen.put(id, r);
      group.observerOf.put(id, r);
    }
    group.startAll();
    String leader = group.awaitLeader();
    long term = group.status(leader).term();
    for (int seq = 1; seq <= 3; seq++) {
      assertInstanceOf(Applied.class, group.submit(leader, "alice", seq, "x" + seq));
    }
    group.awaitItemsEverywhere(List.of("x1", "x2", "x3"));
    group.advanceInSteps(500); // heartbeats carry the commit index to the followers

    Recording atLeader = seen.get(leader);
    assertTrue(
        atLeader.roles.contains(Role.Leader.class.getSimpleName() + "@" + term),
        "roles " + atLeader.roles);
    // The barrier of its term and the three commands, in at least one batch.
    assertEquals(4, atLeader.appendedBatches.stream().mapToInt(Integer::intValue).sum());
    for (String id : group.members) {
      Recording r = seen.get(id);
      long commands =
          r.applied.stream().filter(a -> a.what() instanceof AppliedEntry.CommandDecided).count();
      assertEquals(3, commands, id + " applied " + r.applied);
      long lastIndex = r.applied.get(r.applied.size() - 1).index();
      assertEquals(lastIndex, r.lastAppliedIndex.get(), id);
      if (!id.equals(leader)) {
        // It started as a follower; if it ever changed role, it ended as one again.
        assertTrue(
            r.roles.isEmpty() || r.roles.get(r.roles.size() - 1).startsWith("Follower@"),
            id + " " + r.roles);
        assertEquals(lastIndex, r.commitIndex.get(), id + " learned the commit index");
      }
    }
  }

  @Test
  void aThrowingObserverIsIgnoredAndTheGroupWorks() {
    for (String id : group.members) {
      group.observerOf.put(
          id,
          new ReplicaObserver() {
            @Override
            public void stepped(RaftState state) {
              throw new IllegalStateException("observer bug");
            }

            @Override
            public void applied(ApplyResult result) {
              throw new IllegalStateException("observer bug");
            }
          });
    }
    group.startAll();
    String leader = group.awaitLeader();
    assertInstanceOf(Applied.class, group.submit(leader, "alice", 1, "still works"));
    group.awaitItemsEverywhere(List.of("still works"));
    for (String id : group.members) {
      assertEquals(1, group.starts(id), id + " was never restarted");
    }
  }
}
