package dev.shardraft.raft.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.port.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The log cut above a replica's tail position (the leader's truncation rule cannot always prevent
 * it; the tests cut by hand): the tail fails with {@code LogTruncatedException} and the replica
 * reloads the newest snapshot instead of applying from a gap.
 */
class RaftGroupLogTruncationTest {
  private ReplicaGroup group;
  private final List<String> expected = new ArrayList<>();
  private int sequence;

  @AfterEach
  void stop() {
    group.close();
  }

  private void submit(String leader, int count) {
    for (int i = 0; i < count; i++) {
      sequence++;
      assertInstanceOf(Applied.class, group.submit(leader, "alice", sequence, "alice" + sequence));
      expected.add("alice" + sequence);
    }
  }

  /** Waits until each of {@code ids} holds exactly {@link #expected}. */
  private void awaitItems(List<String> ids) {
    group
        .kit
        .createTestProbe()
        .awaitAssert(
            ReplicaGroup.WAIT,
            Duration.ofMillis(20),
            () -> {
              for (String id : ids) {
                assertEquals(expected, group.items(id), "items of " + id);
              }
              return null;
            });
  }

  private Snapshot latestSnapshot() {
    return group.snapshots.latest(ReplicaGroup.SHARD).toCompletableFuture().join().orElseThrow();
  }

  private String otherThan(String... ids) {
    List<String> not = List.of(ids);
    return group.members.stream().filter(m -> !not.contains(m)).findFirst().orElseThrow();
  }

  @Test
  void aFollowerWhoseLaggingTailIsCutUnderItReloadsTheNewestSnapshotAndCatchesUp() {
    group = new ReplicaGroup(List.of("a", "b", "c"), s -> s.withSnapshotEvery(4));
    List<LaggingTailLog> lagging = new ArrayList<>();
    for (String id : group.members) {
      LaggingTailLog l = new LaggingTailLog(group.log);
      group.logOf.put(id, l);
      lagging.add(l);
    }
    group.startAll();
    String leader = group.awaitLeader();
    String follower = otherThan(leader);
    String other = otherThan(leader, follower);
    submit(leader, 3);
    group.awaitItemsEverywhere(expected);
    long followerApplied = group.status(follower).appliedIndex();

    // The follower's tail stops reading; the others apply and snapshot 12 more commands.
    lagging.get(group.members.indexOf(follower)).lag();
    submit(leader, 12);
    awaitItems(List.of(leader, other));
    assertEquals(followerApplied, group.status(follower).appliedIndex(), "the follower lags");
    Snapshot snapshot = latestSnapshot();
    assertTrue(
        snapshot.nextIndex() > followerApplied + 1,
        "a snapshot past the follower: " + snapshot + " vs " + followerApplied);
    // The cut the leader's rule should have prevented: above the lagging follower's position.
    group.log.deleteBefore(snapshot.nextIndex()).toCompletableFuture().join();
    assertEquals(snapshot.nextIndex(), group.log.store().logStart());

    lagging.get(group.members.indexOf(follower)).catchUp();

    // Without the failure, the follower would go on at the log start and miss the entries in
    // between; with it, it restarts once, restores the snapshot and tails from there.
    awaitItems(List.of(follower));
    assertEquals(2, group.starts(follower), "one reload of the follower");
    assertEquals(1, group.starts(leader));
    submit(leader, 2);
    group.awaitItemsEverywhere(expected);
    group.advanceUntil(
        1_000,
        "the follower caught up and follows the same leader",
        s ->
            s.get(follower).appliedIndex() == s.get(leader).appliedIndex()
                && ReplicaGroup.oneReadyLeaderFollowedByAll(s));
  }

  @Test
  void aReplicaWhoseNewestSnapshotDoesNotReachTheLogStartAppliesNothingAndRetriesUntilOneDoes() {
    group = new ReplicaGroup(List.of("a", "b", "c"), s -> s.withSnapshotEvery(4));
    group.startAll();
    String leader = group.awaitLeader();
    String follower = otherThan(leader);
    String other = otherThan(leader, follower);
    submit(leader, 3);
    group.awaitItemsEverywhere(expected);
    group.stop(follower);

    // Commands until the newest snapshot ends below the leader's position, then cut the log at
    // that position: no snapshot covers the entries between the two.
    long cut;
    Snapshot snapshot;
    do {
      submit(leader, 1);
      awaitItems(List.of(leader, other)); // their snapshots of these positions are saved
      snapshot = latestSnapshot();
      cut = group.status(leader).appliedIndex() + 1;
    } while (snapshot.nextIndex() >= cut);
    group.log.deleteBefore(cut).toCompletableFuture().join();
    int startsBefore = group.starts(follower);

    group.start(follower);
    group.advanceInSteps(2_000);

    assertTrue(
        group.starts(follower) >= startsBefore + 3,
        "reloads retried with back-off: " + (group.starts(follower) - startsBefore) + " starts");
    group.awaitStarted(follower);
    assertEquals(
        snapshot.nextIndex() - 1,
        group.status(follower).appliedIndex(),
        "the follower holds its snapshot and applied nothing from the gap");
    List<String> held = group.items(follower);
    assertTrue(
        held.size() < expected.size() && expected.subList(0, held.size()).equals(held),
        "the follower holds only a prefix, from its snapshot: " + held);

    // Once a snapshot reaches the log start, the next reload catches the follower up.
    submit(leader, 4);
    awaitItems(List.of(leader, other));
    assertTrue(latestSnapshot().nextIndex() >= cut, "a snapshot now covers the cut");
    group.advanceUntil(
        10_000,
        "the follower reloaded a snapshot past the cut",
        s -> s.get(follower).appliedIndex() == s.get(leader).appliedIndex());
    group.awaitItemsEverywhere(expected);
  }
}
