package dev.shardraft.multijvm.check;

import dev.shardraft.multijvm.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairs a history's invocations with their completions, per key. {@code fail} operations are
 * dropped (they certainly did not happen), so are reads whose outcome is unknown (a read changes
 * nothing); an {@code info} or a missing completion becomes an operation of unknown outcome. A
 * history that breaks the format (a completion without invocation, two operations at once in one
 * process, a process id reused after {@code info}) is refused with the offending line.
 */
public final class Operations {
  private Operations() {}

  /** The operations of every key, in invocation order. */
  public static Map<String, List<Operation>> byKey(List<Op> history) {
    Map<Integer, Op> pending = new HashMap<>();
    Map<Integer, Integer> retired = new HashMap<>();
    Map<String, List<Operation>> byKey = new LinkedHashMap<>();
    Map<Op, Integer> order = new HashMap<>();
    List<Op[]> pairs = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      Op op = history.get(i);
      if (retired.containsKey(op.process())) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": process " + op.process() + " reused after its info: " + op);
      }
      if (op.type() == Op.Type.INVOKE) {
        Op before = pending.put(op.process(), op);
        if (before != null) {
          throw new IllegalArgumentException(
              "line "
                  + (i + 1)
                  + ": process "
                  + op.process()
                  + " invoked "
                  + op
                  + " while "
                  + before
                  + " was open");
        }
        order.put(op, pairs.size());
        pairs.add(new Op[] {op, null});
        continue;
      }
      Op invoked = pending.remove(op.process());
      if (invoked == null || invoked.f() != op.f() || !invoked.key().equals(op.key())) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": completion without a matching invocation: " + op);
      }
      pairs.get(order.get(invoked))[1] = op;
      if (op.type() == Op.Type.INFO) {
        retired.put(op.process(), i);
      }
    }
    for (Op[] pair : pairs) {
      Op inv = pair[0];
      Op done = pair[1];
      boolean unknown = done == null || done.type() == Op.Type.INFO;
      if (done != null && done.type() == Op.Type.FAIL) {
        continue;
      }
      if (unknown && inv.f() == Op.F.READ) {
        continue;
      }
      List<Operation> ops = byKey.computeIfAbsent(inv.key(), k -> new ArrayList<>());
      ops.add(
          new Operation(
              ops.size(),
              inv.process(),
              inv.f(),
              inv.key(),
              inv.value(),
              unknown ? null : done.value(),
              unknown,
              inv.time(),
              unknown ? Long.MAX_VALUE : done.time()));
    }
    return byKey;
  }
}
