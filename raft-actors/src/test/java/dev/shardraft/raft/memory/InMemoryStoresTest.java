package dev.shardraft.raft.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.TermAndVote;
import java.util.Optional;
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
