package dev.shardraft.raft.memory;

import dev.shardraft.raft.port.RaftMetaStore;
import dev.shardraft.raft.port.TermAndVote;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link RaftMetaStore} in memory: durable for as long as the instance lives, so a test that keeps
 * the instance across an actor restart models a disk that survives a crash. Thread-safe.
 */
public final class InMemoryRaftMetaStore implements RaftMetaStore {
  private final ConcurrentMap<String, TermAndVote> values = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<TermAndVote> load(String shard, String replicaId) {
    return CompletableFuture.completedFuture(
        values.getOrDefault(key(shard, replicaId), TermAndVote.INITIAL));
  }

  @Override
  public CompletionStage<Void> save(String shard, String replicaId, TermAndVote termAndVote) {
    values.put(key(shard, replicaId), termAndVote);
    return CompletableFuture.completedFuture(null);
  }

  private static String key(String shard, String replicaId) {
    return shard + "/" + replicaId;
  }
}
