package dev.shardraft.raft.port;

import java.util.concurrent.CompletionStage;

/**
 * Durable term and vote per replica (Kafka: compacted topic {@code raft-meta}, key {@code
 * <shard>/<replica>}).
 *
 * <p>Contract: when {@link #save} completes, a later {@link #load} for the same replica, by any
 * process, returns that value or a newer one. A replica never grants or requests a vote before the
 * save of the term and vote it implies has completed.
 */
public interface RaftMetaStore {

  /** The last saved value, or {@link TermAndVote#INITIAL} if none was ever saved. */
  CompletionStage<TermAndVote> load(String shard, String replicaId);

  /** Saves durably; completes only when the value is durable. */
  CompletionStage<Void> save(String shard, String replicaId, TermAndVote termAndVote);
}
