package dev.shardraft.raft.sim;

import dev.shardraft.raft.core.Effect;
import dev.shardraft.raft.core.RaftConfig;
import dev.shardraft.raft.core.RaftCore;
import dev.shardraft.raft.core.RaftInput;
import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.RaftState;
import dev.shardraft.raft.core.Role;
import dev.shardraft.raft.core.TimerKey;
import dev.shardraft.raft.core.apply.Applier;
import dev.shardraft.raft.core.apply.ApplyResult;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogTruncatedException;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.TailEvent;
import dev.shardraft.raft.port.TermAndVote;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A simulated replica: the driver that runs the pure core and carries out its effects against the
 * simulated world, exactly as the Pekko shell does against the real ports. A crash drops every
 * volatile thing (state, applier, timers, writers, requests); term and vote survive in the
 * simulation's meta store, the applied state is rebuilt from the latest snapshot plus the log.
 */
final class SimReplica {
  /** A client request the replica holds until the core answers it. */
  record Request(SimClient client, long sequence, boolean read, long issuedAckCount) {}

  final int idx;
  final String id;
  private final Simulation sim;
  private final RaftConfig config;
  int incarnation;
  boolean alive;
  RaftState state;
  Applier<Long, long[]> applier;
  SimStateMachine machine;
  private long tailNext;
  private boolean tailWakeScheduled;
  private final long[] timerGen = new long[TimerKey.values().length];
  private final Map<Long, Long> writers = new HashMap<>();
  private final Set<Long> closedTerms = new HashSet<>();
  private final Map<Long, Request> requests = new HashMap<>();
  private long persistBusyUntil;

  SimReplica(Simulation sim, int idx, RaftConfig config) {
    this.sim = sim;
    this.idx = idx;
    this.id = config.self();
    this.config = config;
  }

  /** Starts (or restarts) from durable term/vote and the latest snapshot. */
  void start() {
    alive = true;
    incarnation++;
    writers.clear();
    closedTerms.clear();
    requests.clear();
    tailWakeScheduled = false;
    machine = new SimStateMachine();
    applier = new Applier<>(machine, Simulation.SESSION_EXPIRY);
    Optional<Snapshot> snap = sim.snapshots.latest(config.shard()).toCompletableFuture().join();
    snap.ifPresent(applier::restore);
    tailNext = applier.nextIndex();
    sim.invariants.onRestore(this, applier.lastIndex(), machine);
    TermAndVote durable = sim.durable[idx];
    long seed = sim.seed * 31 + idx * 1_000_003L + incarnation;
    var t = RaftCore.init(config, durable, applier.lastIndex(), applier.logTerm(), sim.now(), seed);
    state = t.next();
    sim.invariants.afterStep(this);
    execute(t.effects());
    wakeTail(1);
  }

  void crash() {
    alive = false;
    incarnation++;
    state = null;
    applier = null;
    machine = null;
    requests.clear();
  }

  /** Feeds one input to the core (if alive) and executes the effects. */
  void step(RaftInput in) {
    if (!alive) {
      return;
    }
    var t = RaftCore.step(state, in);
    String before = state.role().name() + "@" + state.term();
    state = t.next();
    String after = state.role().name() + "@" + state.term();
    if (!before.equals(after)) {
      sim.trace(id + " " + before + " -> " + after);
    }
    sim.invariants.afterStep(this);
    execute(t.effects());
  }

  void receive(RaftMessage m) {
    step(new RaftInput.Receive(sim.now(), m));
  }

  void clientCommand(SimClient client, long sequence) {
    if (!alive) {
      return;
    }
    long rid = sim.nextRequestId++;
    requests.put(rid, new Request(client, sequence, false, 0));
    step(
        new RaftInput.ClientCommand(
            sim.now(),
            rid,
            client.clientId,
            sequence,
            SimStateMachine.COMMANDS.encode(client.valueOf(sequence))));
  }

  void clientRead(SimClient client, long readNo, long ackedBefore) {
    if (!alive) {
      return;
    }
    long rid = sim.nextRequestId++;
    requests.put(rid, new Request(client, readNo, true, ackedBefore));
    step(new RaftInput.ClientRead(sim.now(), rid, dev.shardraft.raft.core.ReadMode.LINEARIZABLE));
  }

  void transferLeadership(String target) {
    step(new RaftInput.TransferLeadership(sim.now(), target));
  }

  // ---- effects

  private void execute(List<Effect> effects) {
    for (Effect e : effects) {
      if (!alive) {
        return;
      }
      if (e instanceof Effect.PersistTermVote p) {
        persist(p.termAndVote());
      } else if (e instanceof Effect.OpenWriter o) {
        openWriter(o.term());
      } else if (e instanceof Effect.Append a) {
        append(a);
      } else if (e instanceof Effect.CloseWriter c) {
        writers.remove(c.term());
        closedTerms.add(c.term());
      } else if (e instanceof Effect.Send s) {
        sim.send(idx, sim.indexOf(s.to()), s.message());
      } else if (e instanceof Effect.ReplyCommand r) {
        Request req = requests.remove(r.requestId());
        if (req != null) {
          sim.replyToClient(req, r.outcome(), -1);
        }
      } else if (e instanceof Effect.ServeRead r) {
        Request req = requests.remove(r.requestId());
        if (req != null) {
          sim.invariants.onReadServed(this, req, r.readIndex(), machine.count());
          sim.replyToClient(req, null, machine.count());
        }
      } else if (e instanceof Effect.RejectRead r) {
        Request req = requests.remove(r.requestId());
        if (req != null) {
          sim.replyToClient(req, r.retry(), -1);
        }
      } else if (e instanceof Effect.TransferRefused t) {
        sim.trace(id + " transfer to " + t.target() + " refused: " + t.reason());
      } else if (e instanceof Effect.StartTimer t) {
        long gen = ++timerGen[t.key().ordinal()];
        int inc = incarnation;
        sim.scheduler.at(
            t.atMs(),
            idx,
            () -> {
              if (inc == incarnation && gen == timerGen[t.key().ordinal()]) {
                step(new RaftInput.Timeout(sim.now(), t.key()));
              }
            });
      } else if (e instanceof Effect.CancelTimer t) {
        ++timerGen[t.key().ordinal()];
      } else {
        throw new AssertionError("unknown effect " + e);
      }
    }
  }

  /** Saves complete in order; a crash before completion loses the save. */
  private void persist(TermAndVote tv) {
    if (tv.votedFor().isPresent()) {
      sim.onVoteSaveStarted(idx);
    }
    int inc = incarnation;
    long at = Math.max(sim.now(), persistBusyUntil) + sim.persistDelay();
    persistBusyUntil = at;
    sim.scheduler.atOrdered(
        at,
        idx,
        () -> {
          if (inc != incarnation) {
            return;
          }
          sim.invariants.onDurable(this, tv);
          sim.durable[idx] = tv;
          step(new RaftInput.TermVotePersisted(sim.now(), tv));
        });
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
   * The open takes effect (fences) after a delay that is sometimes long: a slow initTransactions.
   */
  private void openWriter(long term) {
    int inc = incarnation;
    int owner = requestOwner();
    sim.scheduler.after(
        sim.openDelay(),
        owner,
        () -> {
          if (owner == idx && inc != incarnation) {
            return;
          }
          long epoch = sim.log.open(term);
          if (term < sim.maxOpenedTerm) {
            sim.lateOpens++;
            sim.trace(id + " late open of term " + term + " after term " + sim.maxOpenedTerm);
          }
          sim.maxOpenedTerm = Math.max(sim.maxOpenedTerm, term);
          sim.trace(id + " openWriter(" + term + ") took effect, epoch " + epoch);
          sim.scheduler.after(
              sim.resultDelay(),
              idx,
              () -> {
                if (inc != incarnation) {
                  return;
                }
                if (!closedTerms.contains(term)) {
                  writers.put(term, epoch);
                }
                step(new RaftInput.WriterOpened(sim.now(), term));
              });
        });
  }

  /**
   * The commit takes effect after a delay (also after a later close or crash, if the request was
   * already sent); its result is reported later still. Sometimes the outcome is unknown (a broker
   * error): the batch may or may not have been committed.
   */
  private void append(Effect.Append a) {
    int inc = incarnation;
    Long epoch = writers.get(a.term());
    if (epoch == null) {
      reportLater(inc, new RaftInput.AppendFailed(sim.now(), a.term(), false, "writer closed"));
      return;
    }
    int owner = requestOwner();
    sim.scheduler.after(
        sim.appendDelay(),
        owner,
        () -> {
          if (owner == idx && inc != incarnation) {
            return;
          }
          RaftInput result;
          if (sim.random.nextDouble() < sim.appendErrorRate) {
            boolean tryCommit = sim.random.nextBoolean();
            String outcome = "not attempted";
            if (tryCommit) {
              try {
                commit(epoch, a);
                outcome = "committed";
              } catch (LogFencedException fenced) {
                outcome = "fenced";
              }
            }
            result =
                new RaftInput.AppendFailed(
                    sim.now(),
                    a.term(),
                    false,
                    "simulated broker error, outcome unknown to the leader (" + outcome + ")");
          } else {
            try {
              result = new RaftInput.AppendCompleted(sim.now(), a.term(), commit(epoch, a));
            } catch (LogFencedException fenced) {
              sim.fencedAppends++;
              result = new RaftInput.AppendFailed(sim.now(), a.term(), true, fenced.getMessage());
            }
          }
          reportLater(inc, result);
        });
  }

  private void reportLater(int inc, RaftInput result) {
    sim.scheduler.after(
        sim.resultDelay(),
        idx,
        () -> {
          if (inc == incarnation) {
            step(result);
          }
        });
  }

  private List<Long> commit(long epoch, Effect.Append a) {
    List<Long> indices = sim.log.commit(epoch, a.term(), a.entries());
    sim.onCommitted(idx, a, indices);
    return indices;
  }

  // ---- tail

  void wakeTail(long delay) {
    if (!alive || tailWakeScheduled) {
      return;
    }
    tailWakeScheduled = true;
    int inc = incarnation;
    long wait = Math.max(delay, sim.tailStalledUntil[idx] - sim.now());
    sim.scheduler.after(
        wait,
        idx,
        () -> {
          if (inc != incarnation) {
            return;
          }
          tailWakeScheduled = false;
          List<TailEvent> events;
          try {
            events = sim.log.read(tailNext, 32);
          } catch (LogTruncatedException e) { // the port's failure, as the actor shell sees it
            reloadAfterTruncation();
            return;
          }
          for (TailEvent e : events) {
            if (!alive || inc != incarnation) {
              return;
            }
            applyOne(e);
          }
          if (!events.isEmpty()) {
            wakeTail(1);
          }
        });
  }

  private void applyOne(TailEvent e) {
    Optional<ApplyResult> r = applier.apply(e);
    tailNext = e.index() + 1;
    if (r.isEmpty()) {
      return;
    }
    sim.invariants.onApplied(this, e, r.get(), machine);
    step(r.get().toInput(sim.now()));
    if (alive && applier.snapshotDue(sim.snapshotEvery)) {
      Snapshot snap = applier.snapshot();
      sim.snapshots.save(config.shard(), snap);
      truncateIfLeader(snap);
    }
  }

  /**
   * The log was deleted below this replica's tail position (the leader's view of its progress was
   * stale, e.g. it restarted from an older snapshot): reading failed with {@link
   * LogTruncatedException}. Tailing from the log start would lose entries, so, like the actor
   * shell, it reloads the newest snapshot, which covers every cut (modelled as a restart: durable
   * term and vote stay, volatile state goes). If even that snapshot is below the log start, entries
   * are lost: the run fails.
   */
  private void reloadAfterTruncation() {
    sim.trace(
        id
            + " tail at "
            + tailNext
            + " is below the log start "
            + sim.log.logStart()
            + ": reloading the newest snapshot");
    sim.snapshotReloads++;
    crash();
    start();
    if (tailNext < sim.log.logStart()) {
      sim.invariants.fail(
          id
              + " cannot resume: the newest snapshot ends at "
              + tailNext
              + " but the log was deleted below "
              + sim.log.logStart());
    }
  }

  /**
   * The truncation rule the actor shell uses: only the leader deletes, below both its snapshot and
   * every peer's highest reported applied position. That report can be stale (a peer that restarted
   * from an older snapshot), so a tail can still find itself below the log start; see {@link
   * #reloadAfterTruncation}.
   */
  private void truncateIfLeader(Snapshot snap) {
    if (state.role() instanceof Role.Leader l) {
      long cut = snap.nextIndex();
      for (Role.Leader.PeerProgress p : l.peers().values()) {
        cut = Math.min(cut, p.appliedIndex() + 1);
      }
      if (cut > sim.log.logStart()) {
        sim.log.deleteBefore(cut);
        sim.truncations++;
      }
    }
  }

  long tailNext() {
    return tailNext;
  }
}
