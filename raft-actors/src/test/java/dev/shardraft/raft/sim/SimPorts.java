package dev.shardraft.raft.sim;

import dev.shardraft.raft.driver.Storage;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.RaftLog;
import dev.shardraft.raft.port.RaftMetaStore;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.SnapshotStore;
import dev.shardraft.raft.port.TailEvent;
import dev.shardraft.raft.port.TermAndVote;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One replica's view of the simulated storage, as implementations of the real ports, so that the
 * replica's {@code ReplicaDriver} runs against them exactly as against Kafka. Their stages are
 * completed by events of the simulation's scheduler, with the fault model of a remote broker:
 *
 * <ul>
 *   <li>Term/vote saves take 1-50 ms and complete in issue order (the driver issues one at a time);
 *       one that has not completed when its process crashes is lost.
 *   <li>An open or an append is, half of the time, already on the wire: it takes effect even if the
 *       replica pauses or crashes meanwhile (a zombie's commit); else it is still in the client
 *       (deferred by a pause, lost by a crash). Opens are sometimes slow (50-850 ms: a slow
 *       initTransactions that lands after a newer leader's). The result travels back to the replica
 *       after 1-3 ms more, as an event of its own.
 *   <li>Appends sometimes commit and are then reported fenced (Kafka's lost commit response before
 *       a newer open: {@code LogStore.commitThenFence}).
 *   <li>Appends sometimes fail with an unknown outcome (a broker error): the batch may or may not
 *       be committed. Fencing is the {@code LogStore}'s: latest open wins.
 *   <li>Snapshots and log deletion take effect at once.
 * </ul>
 */
final class SimPorts {
  private final Simulation sim;
  private final SimReplica replica;
  private final int idx;
  private long persistBusyUntil;

  SimPorts(Simulation sim, SimReplica replica) {
    this.sim = sim;
    this.replica = replica;
    this.idx = replica.idx;
  }

  Storage storage() {
    return new Storage(new Log(), new Meta(), new Snapshots());
  }

  /**
   * Where the broker-side effect of a request runs: half of the time the request is already on the
   * wire (a world event: it takes effect even if the replica pauses or crashes meanwhile), else it
   * is still in the client (deferred by a pause, lost by a crash).
   */
  private int requestOwner() {
    return sim.random.nextBoolean() ? Scheduler.WORLD : idx;
  }

  private final class Meta implements RaftMetaStore {
    @Override
    public CompletionStage<TermAndVote> load(String shard, String replicaId) {
      return CompletableFuture.completedFuture(sim.durable[idx]);
    }

    /** Saves complete in order; a crash before completion loses the save. */
    @Override
    public CompletionStage<Void> save(String shard, String replicaId, TermAndVote tv) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      int inc = replica.incarnation;
      long at = Math.max(sim.now(), persistBusyUntil) + sim.persistDelay();
      persistBusyUntil = at;
      sim.scheduler.atOrdered(
          at,
          idx,
          () -> {
            if (inc != replica.incarnation) {
              return;
            }
            sim.invariants.onDurable(replica, tv);
            sim.durable[idx] = tv;
            done.complete(null);
          });
      return done;
    }
  }

  private final class Log implements RaftLog {
    @Override
    public String shard() {
      return sim.log.shard();
    }

    /** The open takes effect (fences) after a delay that is sometimes long. */
    @Override
    public CompletionStage<LogWriter> openWriter(long term, String leaderId) {
      CompletableFuture<LogWriter> opened = new CompletableFuture<>();
      int inc = replica.incarnation;
      int owner = requestOwner();
      sim.scheduler.after(
          sim.openDelay(),
          owner,
          () -> {
            if (owner == idx && inc != replica.incarnation) {
              return;
            }
            long epoch = sim.log.open(term);
            if (term < sim.maxOpenedTerm) {
              sim.lateOpens++;
              sim.trace(
                  replica.id + " late open of term " + term + " after term " + sim.maxOpenedTerm);
            }
            sim.maxOpenedTerm = Math.max(sim.maxOpenedTerm, term);
            sim.trace(replica.id + " openWriter(" + term + ") took effect, epoch " + epoch);
            sim.scheduler.after(
                sim.resultDelay(),
                idx,
                () -> {
                  if (inc == replica.incarnation) {
                    opened.complete(new Writer(term, epoch));
                  }
                });
          });
      return opened;
    }

    /** The simulated replica reads {@code LogStore} itself (lagging and stalled tails). */
    @Override
    public Source<TailEvent, NotUsed> tail(long fromIndex) {
      throw new UnsupportedOperationException("SimReplica.wakeTail reads the LogStore");
    }

    @Override
    public CompletionStage<Void> deleteBefore(long index) {
      long start = sim.log.logStart();
      sim.log.deleteBefore(index);
      if (sim.log.logStart() > start) {
        sim.truncations++;
        sim.trace(replica.id + " deleted the log below " + sim.log.logStart());
      }
      return CompletableFuture.completedFuture(null);
    }
  }

  /** A writer: the epoch of its open. Closing it stops nothing already on the wire. */
  private final class Writer implements LogWriter {
    private final long term;
    private final long epoch;

    Writer(long term, long epoch) {
      this.term = term;
      this.epoch = epoch;
    }

    @Override
    public long term() {
      return term;
    }

    /**
     * The commit takes effect after a delay (also after a later close or crash, if the request was
     * already sent); its result is reported later still. Sometimes the outcome is unknown.
     */
    @Override
    public CompletionStage<List<Long>> append(List<LogEntry> batch) {
      CompletableFuture<List<Long>> result = new CompletableFuture<>();
      int inc = replica.incarnation;
      int owner = requestOwner();
      sim.scheduler.after(
          sim.appendDelay(),
          owner,
          () -> {
            if (owner == idx && inc != replica.incarnation) {
              return;
            }
            List<Long> indices = null;
            RuntimeException failure = null;
            if (sim.random.nextDouble() < sim.appendErrorRate && sim.random.nextInt(3) == 0) {
              // Kafka's lost EndTxn response followed by a newer open: the batch is committed,
              // the writer fenced, and the leader told "fenced" (the port's outcome unknown).
              boolean latest = epoch == sim.log.latestEpoch();
              try {
                sim.log.commitThenFence(epoch, term, batch);
              } catch (LogFencedException fenced) {
                if (latest) {
                  sim.fencedButCommitted++;
                  sim.onCommitted();
                } else {
                  sim.fencedAppends++; // already fenced: nothing was committed
                }
                failure = fenced;
              }
            } else if (sim.random.nextDouble() < sim.appendErrorRate) {
              String outcome = "not attempted";
              if (sim.random.nextBoolean()) {
                try {
                  commit(batch);
                  outcome = "committed";
                } catch (LogFencedException fenced) {
                  outcome = "fenced";
                }
              }
              failure =
                  new IllegalStateException(
                      "simulated broker error, outcome unknown to the leader (" + outcome + ")");
            } else {
              try {
                indices = commit(batch);
              } catch (LogFencedException fenced) {
                sim.fencedAppends++;
                failure = fenced;
              }
            }
            List<Long> ok = indices;
            RuntimeException failed = failure;
            sim.scheduler.after(
                sim.resultDelay(),
                idx,
                () -> {
                  if (inc != replica.incarnation) {
                    return;
                  }
                  if (failed != null) {
                    result.completeExceptionally(failed);
                  } else {
                    result.complete(ok);
                  }
                });
          });
      return result;
    }

    private List<Long> commit(List<LogEntry> batch) {
      List<Long> indices = sim.log.commit(epoch, term, batch);
      sim.onCommitted();
      return indices;
    }

    @Override
    public void close() {}
  }

  private final class Snapshots implements SnapshotStore {
    @Override
    public CompletionStage<Optional<Snapshot>> latest(String shard) {
      return sim.snapshots.latest(shard);
    }

    @Override
    public CompletionStage<Void> save(String shard, Snapshot snapshot) {
      return sim.snapshots.save(shard, snapshot);
    }
  }
}
