package dev.shardraft.raft.memory;

import dev.shardraft.raft.port.MetaStoreSupersededException;
import dev.shardraft.raft.port.RaftMetaStore;
import dev.shardraft.raft.port.TermAndVote;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link RaftMetaStore} in memory, fenced per replica incarnation like the Kafka one ({@code
 * KafkaMetaStore}). Durable for as long as its {@link Durable} lives: a test that keeps the
 * instance across an actor restart models a disk that survives a crash. Thread-safe.
 *
 * <p>One instance is one process's store. Processes that share a {@link Durable} (pass it to {@link
 * #InMemoryRaftMetaStore(Durable)}) share the durable values, as nodes share the {@code raft-meta}
 * topic, and fence each other as the Kafka store does:
 *
 * <ul>
 *   <li>every {@link #load} starts an incarnation of the replica id in this process: it fences
 *       every other incarnation (Kafka: {@code initTransactions()} of the replica's transactional
 *       id) and reads the durable value;
 *   <li>a {@link #save} of an incarnation that nobody fenced since it last loaded or saved is
 *       written. One that was fenced fences back and compares: if nobody wrote the key since this
 *       incarnation last loaded or saved (compared by version, not by value), it is written;
 *       otherwise the save fails with {@link MetaStoreSupersededException} and nothing is written.
 *       So a save is a compare-and-set on the durable record, and two live incarnations never both
 *       save a vote in one term, not even the same vote (each for itself, as a candidate).
 * </ul>
 *
 * <p>Unlike {@code KafkaMetaStore}, a fenced save is not accepted because the durable value already
 * equals the value being saved: in memory no save has an unknown outcome, and the simulation found
 * that rule unsafe (two incarnations of one id, each voting for itself in one term, both became
 * leader of it; see RAFT-CORE.md, simulation).
 */
public final class InMemoryRaftMetaStore implements RaftMetaStore {

  /** The durable values and fencing epochs shared by processes (Kafka: the raft-meta topic). */
  public static final class Durable {
    private final Map<String, Versioned> values = new HashMap<>();
    private final Map<String, Long> epochs = new HashMap<>();

    /** The durable value of a replica id (no incarnation is started). */
    public synchronized TermAndVote get(String shard, String replicaId) {
      return value(key(shard, replicaId)).value();
    }

    private Versioned value(String key) {
      return values.getOrDefault(key, new Versioned(0, TermAndVote.INITIAL));
    }

    private long fence(String key) {
      return epochs.merge(key, 1L, Long::sum);
    }

    private long epoch(String key) {
      return epochs.getOrDefault(key, 0L);
    }
  }

  /**
   * A durable value and the number of writes of its key so far (Kafka: the offset of its record):
   * two writes of the same value by two incarnations are two versions.
   */
  private record Versioned(long version, TermAndVote value) {}

  /** This process's incarnation of one replica id: its fencing epoch and the version it knows. */
  private static final class Incarnation {
    long epoch;
    long knownVersion;

    Incarnation(long epoch, long knownVersion) {
      this.epoch = epoch;
      this.knownVersion = knownVersion;
    }
  }

  private final Durable durable;
  private final Map<String, Incarnation> incarnations = new HashMap<>();

  /** A store of its own: one process, values kept as long as the instance. */
  public InMemoryRaftMetaStore() {
    this(new Durable());
  }

  /** One process's store over values shared with other processes. */
  public InMemoryRaftMetaStore(Durable durable) {
    this.durable = durable;
  }

  public Durable durable() {
    return durable;
  }

  @Override
  public CompletionStage<TermAndVote> load(String shard, String replicaId) {
    String key = key(shard, replicaId);
    synchronized (durable) {
      start(key);
      return CompletableFuture.completedFuture(durable.value(key).value());
    }
  }

  @Override
  public CompletionStage<Void> save(String shard, String replicaId, TermAndVote termAndVote) {
    String key = key(shard, replicaId);
    synchronized (durable) {
      Incarnation inc = incarnations.get(key);
      if (inc == null) {
        inc = start(key); // a save without a load starts an incarnation, as in the Kafka store
      }
      Versioned now = durable.value(key);
      if (inc.epoch != durable.epoch(key)) {
        inc.epoch = durable.fence(key); // fence back, then compare versions, not values: another
        // incarnation that saved the very same value (its own vote for this id in the same term)
        // still wrote, and both must not act on it
        if (now.version() != inc.knownVersion) {
          return CompletableFuture.failedFuture(
              new MetaStoreSupersededException(
                  shard,
                  replicaId,
                  "the durable value "
                      + now.value()
                      + " was written by another incarnation since this one last loaded or saved;"
                      + " nothing was saved"));
        }
      }
      Versioned next = new Versioned(now.version() + 1, termAndVote);
      durable.values.put(key, next);
      inc.knownVersion = next.version();
      return CompletableFuture.completedFuture(null);
    }
  }

  private Incarnation start(String key) {
    Incarnation inc = new Incarnation(durable.fence(key), durable.value(key).version());
    incarnations.put(key, inc);
    return inc;
  }

  private static String key(String shard, String replicaId) {
    return shard + "/" + replicaId;
  }
}
