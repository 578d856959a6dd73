package dev.shardraft.raft.actor;

import dev.shardraft.raft.memory.InMemoryRaftMetaStore;
import dev.shardraft.raft.port.MetaStoreSupersededException;
import dev.shardraft.raft.port.RaftMetaStore;
import dev.shardraft.raft.port.TermAndVote;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory meta store, except that each save completes only when the test releases it: a slow
 * disk, to observe what the replica does while its term and vote are not yet durable.
 */
final class GatedMetaStore implements RaftMetaStore {
  /** A save the replica started; {@link #release} makes it durable and completes it. */
  record Save(TermAndVote value, CompletableFuture<Void> done) {}

  private final InMemoryRaftMetaStore durable = new InMemoryRaftMetaStore();
  private final BlockingQueue<Save> saves = new LinkedBlockingQueue<>();
  private final AtomicInteger loads = new AtomicInteger();

  @Override
  public CompletionStage<TermAndVote> load(String shard, String replicaId) {
    loads.incrementAndGet();
    return durable.load(shard, replicaId);
  }

  /** How many loads the replica made (one per start or restart). */
  int loads() {
    return loads.get();
  }

  /**
   * Another incarnation of the replica saved {@code theirs} first: it becomes durable, and the
   * replica's save fails as a fencing store reports it.
   */
  void supersede(Save s, String shard, String replicaId, TermAndVote theirs) {
    durable.save(shard, replicaId, theirs).toCompletableFuture().join();
    s.done()
        .completeExceptionally(
            new MetaStoreSupersededException(shard, replicaId, "test: saved " + theirs + " first"));
  }

  @Override
  public CompletionStage<Void> save(String shard, String replicaId, TermAndVote termAndVote) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    saves.add(new Save(termAndVote, done));
    return done.thenCompose(ignored -> durable.save(shard, replicaId, termAndVote));
  }

  /** The next save the replica started, waiting up to five seconds for it. */
  Save nextSave() throws InterruptedException {
    Save s = saves.poll(5, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("no term/vote save was started");
    }
    return s;
  }

  static void release(Save s) {
    s.done().complete(null);
  }

  /** Fails the save (a disk or broker error): nothing becomes durable. */
  static void fail(Save s) {
    s.done().completeExceptionally(new IllegalStateException("test: save failed"));
  }
}
