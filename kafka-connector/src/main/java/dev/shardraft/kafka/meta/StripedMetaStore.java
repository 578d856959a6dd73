package dev.shardraft.kafka.meta;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.raft.port.RaftMetaStore;
import dev.shardraft.raft.port.TermAndVote;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The raft-meta store of a node with many replicas: {@code meta.store-threads} {@link
 * KafkaMetaStore}s, each with its own thread, and every replica key ({@code <shard>/<replica>})
 * always on the same one (by its hash). So up to that many saves run at once instead of one after
 * the other, while each key keeps exactly the single-store behaviour its compare-and-set relies on
 * (its incarnation, its producer and its durable record live in one store).
 *
 * <p>Why: a save is a blocking Kafka transaction, tens of ms each on a loaded machine. An election
 * of every group at once (a cluster start, a node lost) is a save per candidate and per voter, and
 * one thread for 1,024 replicas made a round of saves longer than any election timeout.
 */
public final class StripedMetaStore implements RaftMetaStore, AutoCloseable {
  private final List<KafkaMetaStore> stores;

  public StripedMetaStore(KafkaSettings settings) {
    int n = settings.metaStoreThreads();
    List<KafkaMetaStore> s = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      s.add(new KafkaMetaStore(settings, "shardraft-meta-store-" + i));
    }
    this.stores = List.copyOf(s);
  }

  /** The store of a replica key: the same for the key's whole life in this process. */
  int stripeOf(String shard, String replicaId) {
    return Math.floorMod(KafkaMetaStore.key(shard, replicaId).hashCode(), stores.size());
  }

  @Override
  public CompletionStage<TermAndVote> load(String shard, String replicaId) {
    return stores.get(stripeOf(shard, replicaId)).load(shard, replicaId);
  }

  @Override
  public CompletionStage<Void> save(String shard, String replicaId, TermAndVote termAndVote) {
    return stores.get(stripeOf(shard, replicaId)).save(shard, replicaId, termAndVote);
  }

  /** How many replicas hold a fencing producer now, over all stores (tests and benchmarks). */
  int openProducers() {
    return stores.stream().mapToInt(KafkaMetaStore::openProducers).sum();
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (KafkaMetaStore s : stores) {
      try {
        s.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
