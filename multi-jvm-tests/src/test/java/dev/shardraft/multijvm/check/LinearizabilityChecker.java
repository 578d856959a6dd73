package dev.shardraft.multijvm.check;

import dev.shardraft.multijvm.history.Op;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a history for linearizability, key by key (a history is linearizable iff every key's
 * sub-history is: linearizability is local). For each key, the Wing-Gong search with Lowe's
 * just-in-time linearization and the memo of Porcupine: walk the call and return events in time
 * order; at a call, try to linearize that operation now (step the model); at a return whose
 * operation has not been linearized, backtrack. A (linearized set, state) pair seen before is never
 * explored again. Operations of unknown outcome return at infinity and may step the model or not
 * (the model answers both states).
 *
 * <p>A failure names the key, the longest linearizable prefix found (its last operations and the
 * state after it) and the operation that could not be linearized after it, with the operations that
 * were pending then.
 */
public final class LinearizabilityChecker {
  private final long maxSteps;

  public LinearizabilityChecker() {
    this(20_000_000L);
  }

  /** {@code maxSteps} bounds the search of one key; past it the key's verdict is "gave up". */
  public LinearizabilityChecker(long maxSteps) {
    this.maxSteps = maxSteps;
  }

  /** Checks every key of {@code history}. */
  public Verdict check(List<Op> history) {
    List<String> problems = new ArrayList<>();
    int keys = 0;
    int ops = 0;
    for (Map.Entry<String, List<Operation>> e : Operations.byKey(history).entrySet()) {
      keys++;
      ops += e.getValue().size();
      checkKey(e.getKey(), e.getValue()).ifPresent(problems::add);
    }
    return new Verdict("linearizability (" + keys + " keys, " + ops + " operations)", problems);
  }

  /** Checks one key's operations; empty if linearizable, else why not. */
  public java.util.Optional<String> checkKey(String key, List<Operation> ops) {
    List<Operation> settled = UnknownOutcomes.settle(ops);
    return new Search<>(key, settled, Model.forKey(ops)).run();
  }

  /** A call or return event in the doubly linked list of the search. */
  private static final class Entry {
    final Operation op;
    final boolean call;
    final long time;
    Entry match;
    Entry prev;
    Entry next;

    Entry(Operation op, boolean call, long time) {
      this.op = op;
      this.call = call;
      this.time = time;
    }
  }

  private record Memo(BitSet linearized, Object state) {}

  private record Frame<S>(Entry entry, S before, int alternative) {}

  private final class Search<S> {
    private final String key;
    private final List<Operation> ops;
    private final Model<S> model;
    private final Entry head = new Entry(null, false, Long.MIN_VALUE);
    private int bestDepth = -1;
    private List<Operation> bestPrefix = List.of();
    private S bestState;
    private Operation blocked;
    private List<Operation> pendingAtBlock = List.of();

    @SuppressWarnings("unchecked")
    Search(String key, List<Operation> ops, Model<?> model) {
      this.key = key;
      this.ops = ops;
      this.model = (Model<S>) model;
      List<Entry> entries = new ArrayList<>();
      for (Operation op : ops) {
        Entry c = new Entry(op, true, op.call());
        Entry r = new Entry(op, false, op.ret());
        c.match = r;
        entries.add(c);
        entries.add(r);
      }
      // Time order; at equal times calls first (the operations count as concurrent).
      entries.sort(
          Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> e.call ? 0 : 1));
      Entry last = head;
      for (Entry e : entries) {
        last.next = e;
        e.prev = last;
        last = e;
      }
    }

    java.util.Optional<String> run() {
      S state = model.init();
      BitSet linearized = new BitSet(ops.size());
      Set<Memo> cache = new HashSet<>();
      Deque<Frame<S>> calls = new ArrayDeque<>();
      Entry entry = head.next;
      int firstAlternative = 0;
      long steps = 0;
      while (head.next != null) {
        if (++steps > maxSteps) {
          return java.util.Optional.of(
              "key "
                  + key
                  + ": checker gave up after "
                  + maxSteps
                  + " steps ("
                  + ops.size()
                  + " operations); history not shown linearizable");
        }
        if (entry.call) {
          List<S> nexts = model.step(state, entry.op);
          boolean lifted = false;
          for (int a = firstAlternative; a < nexts.size(); a++) {
            S next = nexts.get(a);
            linearized.set(entry.op.id());
            if (cache.add(new Memo((BitSet) linearized.clone(), next))) {
              calls.push(new Frame<>(entry, state, a));
              state = next;
              lift(entry);
              entry = head.next;
              lifted = true;
              break;
            }
            linearized.clear(entry.op.id());
          }
          firstAlternative = 0;
          if (!lifted) {
            entry = entry.next;
          }
        } else {
          noteBlocked(entry, calls, state);
          if (calls.isEmpty()) {
            return java.util.Optional.of(explain());
          }
          Frame<S> f = calls.pop();
          state = f.before();
          linearized.clear(f.entry().op.id());
          unlift(f.entry());
          entry = f.entry();
          firstAlternative = f.alternative() + 1;
        }
      }
      return java.util.Optional.empty();
    }

    private void noteBlocked(Entry ret, Deque<Frame<S>> calls, S state) {
      if (calls.size() <= bestDepth) {
        return;
      }
      bestDepth = calls.size();
      List<Operation> prefix = new ArrayList<>();
      calls.descendingIterator().forEachRemaining(f -> prefix.add(f.entry().op));
      bestPrefix = prefix;
      bestState = state;
      blocked = ret.op;
      List<Operation> pending = new ArrayList<>();
      for (Entry e = head.next; e != null && e != ret; e = e.next) {
        if (e.call) {
          pending.add(e.op);
        }
      }
      pendingAtBlock = pending;
    }

    private String explain() {
      int from = Math.max(0, bestPrefix.size() - 5);
      StringBuilder b = new StringBuilder();
      b.append("key ").append(key).append(": not linearizable (").append(ops.size());
      b.append(" operations). Longest linearizable prefix: ").append(bestPrefix.size());
      b.append(" operations, ending ").append(bestPrefix.subList(from, bestPrefix.size()));
      b.append("; state after it: ").append(bestState);
      b.append(". Then ").append(blocked).append(" cannot be linearized");
      b.append(": none of the operations that may take effect before it returns fits that state: ");
      b.append(pendingAtBlock);
      return b.toString();
    }

    private void lift(Entry e) {
      e.prev.next = e.next;
      if (e.next != null) {
        e.next.prev = e.prev;
      }
      Entry m = e.match;
      m.prev.next = m.next;
      if (m.next != null) {
        m.next.prev = m.prev;
      }
    }

    private void unlift(Entry e) {
      Entry m = e.match;
      m.prev.next = m;
      if (m.next != null) {
        m.next.prev = m;
      }
      e.prev.next = e;
      if (e.next != null) {
        e.next.prev = e;
      }
    }
  }
}
