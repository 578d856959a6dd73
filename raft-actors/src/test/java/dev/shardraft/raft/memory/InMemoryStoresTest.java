package dev.shardraft.raft.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.MetaStoreSupersededException;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.TermAndVote;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class InMemoryStoresTest {

  @Test
  void metaStoreKeepsTermAndVotePerReplica() {
    InMemoryRaftMetaStore store = new InMemoryRaftMetaStore();
    assertEquals(TermAndVote.INITIAL, store.load("s", "n1").toCompletableFuture().join());
    store.save("s", "n1", new TermAndVote(3, Optional.of("n2"))).toCompletableFuture().join();
    assertEquals(
        new TermAndVote(3, Optional.of("n2")), store.load("s", "n1").toCompletableFuture().join());
    assertEquals(TermAndVote.INITIAL, store.load("s", "n2").toCompletableFuture().join());
    assertEquals(TermAndVote.INITIAL, store.load("t", "n1").toCompletableFuture().join());
  }

  /** Two processes (nodes) each running an incarnation of n1 over one durable store. */
  @Test
  void twoLiveIncarnationsOfOneReplicaNeverBothSaveAVoteInOneTerm() {
    InMemoryRaftMetaStore.Durable shared = new InMemoryRaftMetaStore.Durable();
    InMemoryRaftMetaStore nodeA = new InMemoryRaftMetaStore(shared);
    InMemoryRaftMetaStore nodeB = new InMemoryRaftMetaStore(shared);
    TermAndVote forN2 = new TermAndVote(4, Optional.of("n2"));
    TermAndVote forN3 = new TermAndVote(4, Optional.of("n3"));
    assertEquals(TermAndVote.INITIAL, nodeA.load("s", "n1").toCompletableFuture().join());
    assertEquals(TermAndVote.INITIAL, nodeB.load("s", "n1").toCompletableFuture().join());
    // A was fenced by B's load, but nobody wrote since A loaded: A's save is a valid
    // compare-and-set (and fences B back).
    nodeA.save("s", "n1", forN2).toCompletableFuture().join();
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () -> nodeB.save("s", "n1", forN3).toCompletableFuture().join());
    assertInstanceOf(MetaStoreSupersededException.class, e.getCause());
    assertEquals(forN2, shared.get("s", "n1"), "the refused save wrote nothing");
    // B reloads (the replica restarts) and adopts A's vote; then A is the one fenced.
    assertEquals(forN2, nodeB.load("s", "n1").toCompletableFuture().join());
    nodeB.save("s", "n1", new TermAndVote(5, Optional.of("n3"))).toCompletableFuture().join();
    e =
        assertThrows(
            CompletionException.class,
            () ->
                nodeA
                    .save("s", "n1", new TermAndVote(5, Optional.of("n2")))
                    .toCompletableFuture()
                    .join());
    assertInstanceOf(MetaStoreSupersededException.class, e.getCause());
    assertEquals(new TermAndVote(5, Optional.of("n3")), shared.get("s", "n1"));
  }

  /**
   * Both incarnations vote for the id itself in one term: equal values, yet only one may go on (the
   * simulation found two leaders of one term when the second save was accepted because the durable
   * value already equalled it).
   */
  @Test
  void theSecondOfTwoEqualSelfVotesInOneTermIsRefused() {
    InMemoryRaftMetaStore.Durable shared = new InMemoryRaftMetaStore.Durable();
    InMemoryRaftMetaStore nodeA = new InMemoryRaftMetaStore(shared);
    InMemoryRaftMetaStore nodeB = new InMemoryRaftMetaStore(shared);
    TermAndVote self = new TermAndVote(7, Optional.of("n1"));
    nodeA.load("s", "n1").toCompletableFuture().join();
    nodeB.load("s", "n1").toCompletableFuture().join();
    nodeA.save("s", "n1", self).toCompletableFuture().join();
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () -> nodeB.save("s", "n1", self).toCompletableFuture().join());
    assertInstanceOf(MetaStoreSupersededException.class, e.getCause());
  }

  @Test
  void snapshotStoreNeverReplacesANewerSnapshotWithAnOlderOne() {
    InMemorySnapshotStore store = new InMemorySnapshotStore();
    assertEquals(Optional.empty(), store.latest("s").toCompletableFuture().join());
    Snapshot newer = new Snapshot(10, 2, Bytes.of(new byte[] {1}));
    store.save("s", newer).toCompletableFuture().join();
    store.save("s", new Snapshot(5, 2, Bytes.of(new byte[] {2}))).toCompletableFuture().join();
    assertEquals(Optional.of(newer), store.latest("s").toCompletableFuture().join());
    Snapshot newest = new Snapshot(11, 3, Bytes.of(new byte[] {3}));
    store.save("s", newest).toCompletableFuture().join();
    assertEquals(Optional.of(newest), store.latest("s").toCompletableFuture().join());
  }
}
