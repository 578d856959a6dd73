package dev.shardraft.raft.sim;

import dev.shardraft.raft.core.AppliedEntry;
import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.Role;
import dev.shardraft.raft.core.apply.Applier;
import dev.shardraft.raft.core.apply.ApplyResult;
import dev.shardraft.raft.core.apply.SessionRegistration;
import dev.shardraft.raft.memory.LogStore;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.TailEvent;
import dev.shardraft.raft.port.TermAndVote;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The safety properties checked after every simulated step, from the outside (they read the
 * replicas and the log, never trust the code under test's own bookkeeping):
 *
 * <ul>
 *   <li>at most one leader per term, also when two incarnations (processes) of one replica id run
 *       at once; at most one vote granted per term per replica id, over all its incarnations;
 *   <li>a replica's term never decreases while it lives, and its durable term never decreases
 *       across crashes; a durable vote never changes within a term;
 *   <li>every replica applies the same sequence: the same decision and the same state machine state
 *       at every log position (the first replica to apply a position defines it);
 *   <li>no command is applied twice;
 *   <li>no entry of a stale term is applied after an entry of a higher term (a fenced leader's
 *       writes are never visible in applied state);
 *   <li>an acknowledged command was applied exactly at the acknowledged index with the acknowledged
 *       reply, so it can never be lost (every replica applies the same sequence);
 *   <li>a linearizable read, checked by content (every client's register), includes every write
 *       acknowledged before it started and no write not yet invoked.
 * </ul>
 */
final class Invariants {
  private record Canon(String decision, long total, long count, Bytes reply) {}

  private final Simulation sim;
  private final Map<Long, SimReplica> leaderOfTerm = new HashMap<>();
  private final Map<String, String> votes = new HashMap<>();
  private final TermAndVote[] durable;
  private final Map<Long, Canon> canonical = new HashMap<>();
  private long canonicalMaxTerm;
  private final Map<String, Long> appliedAt = new HashMap<>();
  private final Map<String, Long> acked = new HashMap<>();
  private final long[] highestAcked = new long[SimStateMachine.CLIENTS];
  long staleSkips;
  long undecodableSkips;
  long readsChecked;

  Invariants(Simulation sim, int replicas) {
    this.sim = sim;
    this.durable = new TermAndVote[replicas];
    Arrays.fill(durable, TermAndVote.INITIAL);
  }

  void fail(String what) {
    throw new SimulationFailure(what);
  }

  /** How many distinct log positions some replica applied. */
  long positionsApplied() {
    return canonical.size();
  }

  void afterStep(SimReplica r) {
    long term = r.state().term();
    if (r.checkedIncarnation == r.incarnation && term < r.checkedTerm) {
      fail(r.id + " term decreased from " + r.checkedTerm + " to " + term);
    }
    r.checkedIncarnation = r.incarnation;
    r.checkedTerm = term;
    if (r.state().role() instanceof Role.Leader) {
      SimReplica other = leaderOfTerm.putIfAbsent(term, r);
      if (other != null && other != r) {
        fail(
            "two leaders in term "
                + term
                + ": "
                + other.id
                + (other.idx == r.idx ? " (one process)" : "")
                + " and "
                + r.id
                + (other.idx == r.idx ? " (another process: two live incarnations)" : ""));
      }
    }
  }

  /**
   * A replica id grants a vote in a term (a granted VoteResponse, or its own RequestVote): at most
   * one candidate per term per replica id, across all its incarnations and processes.
   */
  void onVoteGranted(SimReplica r, long term, String candidate) {
    String prev = votes.putIfAbsent(r.id + "@" + term, candidate);
    if (prev != null && !prev.equals(candidate)) {
      fail(
          r.id
              + " granted two votes in term "
              + term
              + ": to "
              + prev
              + " and to "
              + candidate
              + " (one replica id, over all its incarnations)");
    }
  }

  long votesGranted() {
    return votes.size();
  }

  /** A save completed; {@code now} is the replica id's durable value after it. */
  void onDurable(SimReplica r, TermAndVote now) {
    TermAndVote d = durable[r.idx];
    if (now.term() < d.term()) {
      fail(r.id + " durable term decreased from " + d.term() + " to " + now.term());
    }
    if (now.term() == d.term()
        && d.votedFor().isPresent()
        && !d.votedFor().equals(now.votedFor())) {
      fail(
          r.id
              + " changed its durable vote in term "
              + now.term()
              + " from "
              + d.votedFor()
              + " to "
              + now.votedFor());
    }
    durable[r.idx] = now;
  }

  void onRestore(SimReplica r, long lastIndex, SimStateMachine m) {
    if (lastIndex < 0) {
      return;
    }
    Canon c = canonical.get(lastIndex);
    if (c == null || c.total != m.total() || c.count != m.count()) {
      fail(
          r.id + " restored a snapshot at " + lastIndex + " that differs from the applied history");
    }
  }

  void onApplied(SimReplica r, TailEvent e, ApplyResult result, SimStateMachine m) {
    AppliedEntry what = result.what();
    String decision = describe(what);
    Bytes reply =
        what instanceof AppliedEntry.CommandDecided d
                && d.outcome() instanceof CommandOutcome.Success s
            ? s.reply()
            : null;
    Canon c = canonical.get(e.index());
    if (c != null) {
      if (!c.decision.equals(decision) || c.total != m.total() || c.count != m.count()) {
        fail(
            r.id
                + " diverged at "
                + e.index()
                + ": "
                + decision
                + " total "
                + m.total()
                + " count "
                + m.count()
                + ", expected "
                + c.decision
                + " total "
                + c.total
                + " count "
                + c.count);
      }
      return;
    }
    canonical.put(e.index(), new Canon(decision, m.total(), m.count(), reply));
    try {
      recordFirstApply(e, what, decision);
    } finally {
      PendingAck p = pendingAcks.remove(e.index());
      if (p != null) {
        checkAck(p.key(), e.index(), p.reply());
      }
    }
  }

  private void recordFirstApply(TailEvent e, AppliedEntry what, String decision) {
    if (what instanceof AppliedEntry.Skipped) {
      if (e instanceof TailEvent.Undecodable) {
        undecodableSkips++;
      } else {
        staleSkips++;
      }
      return;
    }
    long entryTerm = ((TailEvent.Committed) e).entry().term();
    if (entryTerm < canonicalMaxTerm) {
      fail(
          "entry of stale term "
              + entryTerm
              + " applied at "
              + e.index()
              + " after term "
              + canonicalMaxTerm
              + " ("
              + decision
              + ")");
    }
    canonicalMaxTerm = entryTerm;
    if (what instanceof AppliedEntry.CommandDecided d
        && d.outcome() instanceof CommandOutcome.Success s
        && !s.duplicate()
        && d.sequence() != SessionRegistration.SEQUENCE) { // each registration opens a session
      Long before = appliedAt.putIfAbsent(key(d.clientId(), d.sequence()), e.index());
      if (before != null) {
        fail(
            key(d.clientId(), d.sequence()) + " applied twice: at " + before + " and " + e.index());
      }
    }
  }

  /**
   * A client was told its command succeeded. If the acknowledged position is already applied
   * somewhere, it is checked now; otherwise when it is first applied, and at the end of the run (an
   * acknowledged position that is never applied is a lost command).
   */
  void onAck(SimClient client, long seq, CommandOutcome.Success s) {
    highestAcked[client.number] = Math.max(highestAcked[client.number], seq);
    onAck(client.clientId, seq, s);
  }

  /**
   * {@link #onAck(SimClient, long, CommandOutcome.Success)} for a command of session {@code id}.
   */
  void onAck(String id, long seq, CommandOutcome.Success s) {
    String k = key(id, seq);
    Long prev = acked.putIfAbsent(k, s.index());
    if (prev != null && prev != s.index()) {
      fail(k + " acknowledged twice with different indices " + prev + " and " + s.index());
    }
    if (canonical.containsKey(s.index())) {
      checkAck(k, s.index(), s.reply());
    } else {
      pendingAcks.put(s.index(), new PendingAck(k, s.reply()));
    }
  }

  private record PendingAck(String key, Bytes reply) {}

  private final Map<Long, PendingAck> pendingAcks = new HashMap<>();

  private void checkAck(String k, long index, Bytes reply) {
    Long at = appliedAt.get(k);
    if (at == null) {
      fail(
          k
              + " acknowledged at index "
              + index
              + " but not applied there ("
              + canonical.get(index).decision
              + "): lost");
    }
    if (at != index) {
      fail(k + " acknowledged at index " + index + " but applied at " + at);
    }
    if (!java.util.Objects.equals(canonical.get(at).reply, reply)) {
      fail(k + " acknowledged with a reply that differs from the applied one");
    }
  }

  /**
   * A linearizable read, checked by what it read (every client's register: its last applied
   * sequence): it includes every write acknowledged before the read started, and no write that was
   * not yet invoked when it was served (a client's sequence above the one it is sending now).
   */
  void onReadServed(SimReplica r, SimReplica.Request req, long readIndex, long[] registers) {
    readsChecked++;
    for (SimClient c : sim.clients) {
      if (c.registered) {
        continue; // registered sessions apply out of order and restart their sequences
      }
      long read = registers[c.number];
      long mustSee = req.ackedBefore()[c.number];
      if (read < mustSee) {
        fail(
            r.id
                + " served a linearizable read (index "
                + readIndex
                + ") that misses "
                + c.clientId
                + "#"
                + mustSee
                + ", acknowledged before the read started: it read "
                + c.clientId
                + "#"
                + read);
      }
      if (read > c.sequence) {
        fail(
            r.id
                + " served a linearizable read that includes "
                + c.clientId
                + "#"
                + read
                + ", a write not yet invoked (the client is at #"
                + c.sequence
                + ")");
      }
    }
  }

  /** Every client's highest acknowledged sequence (0 if none), by client number. */
  long[] highestAcked() {
    return highestAcked.clone();
  }

  /**
   * An event projection as {@code EventProjection} runs it: its own {@link Applier} over a fresh
   * state machine, started from the newest snapshot (if any) and fed the committed log in order.
   * Its expiry window is deliberately not the replicas' (the barrier's replicated value must win).
   * Every position it decides must equal the replicas' decision and state there; returns how many
   * positions it checked.
   */
  long checkProjection(LogStore log, Optional<Snapshot> snapshot) {
    SimStateMachine machine = new SimStateMachine();
    Applier<Long, long[]> projection = new Applier<>(machine, 7);
    snapshot.ifPresent(projection::restore);
    long next = projection.nextIndex();
    long checked = 0;
    while (true) {
      List<TailEvent> events = log.read(next, 256);
      if (events.isEmpty()) {
        return checked;
      }
      for (TailEvent e : events) {
        Optional<ApplyResult> result = projection.apply(e);
        next = e.index() + 1;
        if (result.isEmpty()) {
          continue;
        }
        Canon c = canonical.get(e.index());
        String decision = describe(result.get().what());
        if (c == null
            || !c.decision.equals(decision)
            || c.total != machine.total()
            || c.count != machine.count()) {
          fail(
              "the projection decided "
                  + decision
                  + " (total "
                  + machine.total()
                  + ", count "
                  + machine.count()
                  + ") at "
                  + e.index()
                  + ", the replicas "
                  + (c == null
                      ? "nothing"
                      : c.decision + " (total " + c.total + ", count " + c.count + ")"));
        }
        checked++;
      }
    }
  }

  /** At the end of a calm phase: every replica has applied the whole log, identically. */
  void checkConverged(long lastLogIndex) {
    SimReplica first = null;
    for (SimReplica r : sim.replicas) {
      if (!r.alive) {
        fail(r.id + " is not alive at the end");
      }
      if (r.tailNext() <= lastLogIndex) {
        fail(
            r.id
                + " has applied up to "
                + (r.tailNext() - 1)
                + " of "
                + lastLogIndex
                + " after the calm phase");
      }
      if (first != null
          && (first.machine.count() != r.machine.count()
              || first.machine.total() != r.machine.total())) {
        fail(r.id + " state differs from " + first.id);
      }
      first = r;
    }
    for (Map.Entry<Long, PendingAck> p : pendingAcks.entrySet()) {
      fail(
          p.getValue().key()
              + " acknowledged at index "
              + p.getKey()
              + " which was never applied: lost");
    }
    for (Map.Entry<String, Long> a : acked.entrySet()) {
      if (!a.getValue().equals(appliedAt.get(a.getKey()))) {
        fail("acknowledged " + a.getKey() + " lost");
      }
    }
  }

  private static String key(String client, long seq) {
    return client + "#" + seq;
  }

  private static String describe(AppliedEntry what) {
    if (what instanceof AppliedEntry.BarrierApplied b) {
      return "barrier " + b.term() + " " + b.leaderId();
    }
    if (what instanceof AppliedEntry.CommandDecided d) {
      String o =
          d.outcome() instanceof CommandOutcome.Success s
              ? "ok@" + s.index() + (s.duplicate() ? " dup" : "")
              : d.outcome().getClass().getSimpleName();
      return "cmd " + d.clientId() + "#" + d.sequence() + " " + o;
    }
    return "skipped";
  }

  /** A violated invariant. */
  static final class SimulationFailure extends RuntimeException {
    SimulationFailure(String message) {
      super(message);
    }
  }
}
