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
import java.util.ArrayList;
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
 *   <li>An append is a transaction in steps (see {@code Writer.append}): send (indices used, the
 *       last stable offset held), commit call, commit marker (often after the leader heard the
 *       commit returned). A pause or crash between send and commit leaves the transaction open (all
 *       tails stall) until a newer open or the transaction timeout aborts it; the timeout fences
 *       the writer.
 *   <li>Appends sometimes commit and are then reported fenced (Kafka's lost commit response before
 *       a newer open), sometimes fail with an unknown outcome (a broker error: not attempted,
 *       aborted with its indices used, or committed). Fencing is the {@code LogStore}'s: latest
 *       open wins.
 *   <li>Snapshots and log deletion take effect at once.
 * </ul>
 */
final class SimPorts {
  private final Simulation sim;
  private final SimReplica replica;

  /** The scheduler slot of the replica's process (its events are postponed by its pauses). */
  private final int idx;

  private long persistBusyUntil;

  SimPorts(Simulation sim, SimReplica replica) {
    this.sim = sim;
    this.replica = replica;
    this.idx = replica.owner;
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

  /**
   * The process's view of the fenced term/vote store ({@code InMemoryRaftMetaStore}, shared by
   * every incarnation of every replica id, fenced as the Kafka store is). A save takes effect when
   * it completes; one that has not completed when its process crashes is lost.
   */
  private final class Meta implements RaftMetaStore {
    @Override
    public CompletionStage<TermAndVote> load(String shard, String replicaId) {
      return replica.meta.load(shard, replicaId);
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
            replica
                .meta
                .save(shard, replicaId, tv)
                .whenComplete(
                    (ok, failure) -> {
                      if (failure != null) {
                        sim.supersededSaves++;
                        sim.trace(replica.id + " save of " + tv + " refused: " + failure);
                        done.completeExceptionally(failure);
                      } else {
                        sim.invariants.onDurable(replica, sim.metaDurable.get(shard, replicaId));
                        done.complete(null);
                      }
                    });
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
            sim.onCommitted(); // an open completes or aborts the previous writer's transaction
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
     * An append is a Kafka transaction in three steps, each an event of its own: the records are
     * sent (they get their indices, other writers' records may land between them, the transaction
     * now holds the last stable offset), the commit call decides the commit, and the commit marker
     * is written a little later (often after the leader has heard that the commit returned). A
     * process that pauses or crashes between sending and committing leaves its transaction open:
     * every read_committed tail stalls until a newer open aborts it or its transaction timeout does
     * (which fences the writer: it learns it on its commit). Broker errors: sometimes nothing is
     * sent, sometimes the transaction is aborted (its indices stay used), sometimes the commit is
     * decided but the leader is told of an error, sometimes told "fenced" (a newer open right after
     * the lost commit response).
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
            if (sim.random.nextDouble() < sim.appendErrorRate && sim.random.nextInt(3) == 0) {
              reply(result, inc, null, brokerError("not attempted"));
              return;
            }
            List<Long> indices;
            try {
              indices = send(batch);
            } catch (LogFencedException fenced) {
              sim.fencedAppends++;
              reply(result, inc, null, fenced);
              return;
            }
            sim.onTransactionSent(sim.log.openTransaction());
            int commitOwner = requestOwner();
            sim.scheduler.after(
                sim.commitDelay(),
                commitOwner,
                () -> {
                  if (commitOwner == idx && inc != replica.incarnation) {
                    sim.trace(replica.id + " died with its transaction open (term " + term + ")");
                    return;
                  }
                  commit(result, inc, indices);
                });
          });
      return result;
    }

    /**
     * The batch's records, sent one by one as the producer does: now and then another producer's
     * record lands between two of them, so the batch's indices are not contiguous.
     */
    private List<Long> send(List<LogEntry> batch) {
      if (batch.size() < 2 || sim.random.nextInt(8) != 0) {
        return sim.log.send(epoch, term, batch);
      }
      int split = 1 + sim.random.nextInt(batch.size() - 1);
      List<Long> indices = new ArrayList<>(sim.log.send(epoch, term, batch.subList(0, split)));
      long foreign = sim.log.appendForeign("simulated foreign record inside a transaction");
      sim.interleavedForeign++;
      sim.trace("foreign record at " + foreign + " between the records of one batch");
      indices.addAll(sim.log.send(epoch, term, batch.subList(split, batch.size())));
      return indices;
    }

    private void commit(CompletableFuture<List<Long>> result, int inc, List<Long> indices) {
      double dice = sim.random.nextDouble();
      if (dice < sim.appendErrorRate / 3) {
        sim.log.abort(epoch); // KafkaLogWriter aborts on an error that does not fence it
        sim.onCommitted(); // the last stable offset may have moved
        reply(result, inc, null, brokerError("aborted"));
        return;
      }
      try {
        sim.log.prepareCommit(epoch, term);
      } catch (LogFencedException fenced) {
        sim.fencedAppends++; // aborted by a newer open or by the transaction timeout
        reply(result, inc, null, fenced);
        return;
      }
      long resultDelay = sim.resultDelay();
      long markerDelay = sim.markerDelay();
      if (markerDelay > resultDelay) {
        sim.lateMarkers++; // the leader will hear "committed" before any tail can see the batch
      }
      sim.scheduler.after(
          markerDelay,
          Scheduler.WORLD,
          () -> {
            if (sim.log.completeCommit()) {
              sim.onCommitted();
            }
          });
      if (dice < sim.appendErrorRate * 2 / 3) {
        // Kafka's lost EndTxn response followed by a newer open: the batch is committed, the
        // writer fenced, and the leader told "fenced" (the port's outcome unknown).
        sim.log.fence();
        sim.fencedButCommitted++;
        sim.onCommitted();
        reply(
            result,
            inc,
            null,
            new LogFencedException(
                sim.log.shard(),
                term,
                new IllegalStateException("commit of " + indices + " landed, then fenced")));
      } else if (dice < sim.appendErrorRate) {
        reply(result, inc, null, brokerError("committed"));
      } else {
        reply(result, inc, indices, null, resultDelay);
      }
    }

    private RuntimeException brokerError(String outcome) {
      return new IllegalStateException(
          "simulated broker error, outcome unknown to the leader (" + outcome + ")");
    }

    private void reply(
        CompletableFuture<List<Long>> result, int inc, List<Long> ok, RuntimeException failed) {
      reply(result, inc, ok, failed, sim.resultDelay());
    }

    private void reply(
        CompletableFuture<List<Long>> result,
        int inc,
        List<Long> ok,
        RuntimeException failed,
        long delay) {
      sim.scheduler.after(
          delay,
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
