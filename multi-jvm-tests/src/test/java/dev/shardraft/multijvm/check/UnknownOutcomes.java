package dev.shardraft.multijvm.check;

import dev.shardraft.multijvm.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settles what the history itself says about operations of unknown outcome ({@code info}) before
 * the search, since every written value is unique:
 *
 * <ul>
 *   <li>a write, cas or append whose value no completed operation observed (no {@code ok} read
 *       returned it or a list holding it, no {@code ok} cas expected it) is dropped: taking effect
 *       unobserved or not at all are the same to every other operation, and "not at all" is always
 *       allowed for it;
 *   <li>one whose value was observed certainly took effect: it becomes an operation that did, and
 *       it returns (for the search) when its first observer returned, since it took effect before
 *       that observer did.
 * </ul>
 *
 * Without this every {@code info} operation stays pending to the end of the history, may take
 * effect or not at any point, and multiplies the search: a chaos segment with 13-16 of them per
 * list key (a restart of every node with clients retrying) did not finish its check in minutes. An
 * observer that returned before the operation was invoked is not used (it saw a value before its
 * write began; the search reports that read).
 */
final class UnknownOutcomes {
  private UnknownOutcomes() {}

  /** The operations of one key with unknown outcomes settled; ids renumbered from 0. */
  static List<Operation> settle(List<Operation> ops) {
    Map<Long, List<Long>> observedAt = new HashMap<>();
    for (Operation op : ops) {
      if (op.unknown()) {
        continue;
      }
      switch (op.f()) {
        case READ -> {
          if (op.output() instanceof List<?> list) {
            list.forEach(v -> observe(observedAt, v, op.ret()));
          } else {
            observe(observedAt, op.output(), op.ret());
          }
        }
        case CAS -> observe(observedAt, ((List<?>) op.input()).get(0), op.ret());
        default -> {}
      }
    }
    List<Operation> out = new ArrayList<>(ops.size());
    for (Operation op : ops) {
      Operation kept = op;
      if (op.unknown()) {
        Long written = asLong(written(op));
        long firstObserver = Long.MAX_VALUE;
        for (long ret : observedAt.getOrDefault(written, List.of())) {
          if (ret >= op.call() && ret < firstObserver) {
            firstObserver = ret;
          }
        }
        if (!observedAt.containsKey(written)) {
          continue; // no one saw it: as if it never took effect
        }
        if (firstObserver != Long.MAX_VALUE) {
          kept =
              new Operation(
                  op.id(),
                  op.process(),
                  op.f(),
                  op.key(),
                  op.input(),
                  op.input(),
                  false,
                  op.call(),
                  firstObserver);
        }
      }
      out.add(renumbered(kept, out.size()));
    }
    return out;
  }

  private static Object written(Operation op) {
    return op.f() == Op.F.CAS ? ((List<?>) op.input()).get(1) : op.input();
  }

  private static void observe(Map<Long, List<Long>> observedAt, Object value, long ret) {
    Long v = asLong(value);
    if (v != null) {
      observedAt.computeIfAbsent(v, x -> new ArrayList<>()).add(ret);
    }
  }

  private static Long asLong(Object v) {
    return v instanceof Number n ? n.longValue() : null;
  }

  private static Operation renumbered(Operation op, int id) {
    return op.id() == id
        ? op
        : new Operation(
            id,
            op.process(),
            op.f(),
            op.key(),
            op.input(),
            op.output(),
            op.unknown(),
            op.call(),
            op.ret());
  }
}
