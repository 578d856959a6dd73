package dev.shardraft.raft.port;

import java.util.concurrent.CompletionStage;

/**
 * Durable term and vote per replica (Kafka: compacted topic {@code raft-meta}, key {@code
 * <shard>/<replica>}).
 *
 * <p>Contract: when {@link #save} completes, a later {@link #load} for the same replica, by any
 * process, returns that value or a newer one. A replica never grants or requests a vote before the
 * save of the term and vote it implies has completed.
 *
 * <p>Incarnations: a {@link #load} starts an incarnation of the replica id. Two incarnations may
 * run at once (one started elsewhere while the other is paused). A store that fences them (the
 * Kafka one does) fails the {@link #save} of an incarnation with {@link
 * MetaStoreSupersededException} if another incarnation saved since this one last loaded or saved,
 * so at most one vote per term is ever durable. The in-memory store fences the same way across the
 * processes that share its {@code Durable}; the simulation runs two live incarnations over it. The
 * comparison must be by record (who wrote it), not by value: two incarnations that each save a vote
 * for this replica id itself in one term save equal values, and must not both go on.
 */
public interface RaftMetaStore {

  /** The last saved value, or {@link TermAndVote#INITIAL} if none was ever saved. */
  CompletionStage<TermAndVote> load(String shard, String replicaId);

  /** Saves durably; completes only when the value is durable. */
  CompletionStage<Void> save(String shard, String replicaId, TermAndVote termAndVote);
}
