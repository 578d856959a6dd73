package dev.shardraft.multijvm.check;

import dev.shardraft.multijvm.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hand-made histories for the checkers' tests: times are given, not read from a clock. */
final class Histories {
  private final List<Op> ops = new ArrayList<>();
  private final Map<Integer, Op> open = new HashMap<>();

  Histories invoke(int process, Op.F f, String key, Object value, long time) {
    Op op = Op.invoke(process, f, key, value, time);
    open.put(process, op);
    ops.add(op);
    return this;
  }

  Histories ok(int process, Object value, long time) {
    return complete(process, Op.Type.OK, value, time);
  }

  Histories fail(int process, long time) {
    Op inv = open.get(process);
    return complete(process, Op.Type.FAIL, inv.value(), time);
  }

  Histories info(int process, long time) {
    Op inv = open.get(process);
    return complete(process, Op.Type.INFO, inv.value(), time);
  }

  private Histories complete(int process, Op.Type type, Object value, long time) {
    Op inv = open.remove(process);
    ops.add(inv.complete(type, value, time));
    return this;
  }

  /** A write that runs alone from {@code from} to {@code to}. */
  Histories write(int process, String key, long value, long from, long to) {
    return invoke(process, Op.F.WRITE, key, value, from).ok(process, value, to);
  }

  Histories read(int process, String key, Object seen, long from, long to) {
    return invoke(process, Op.F.READ, key, null, from).ok(process, seen, to);
  }

  Histories append(int process, String key, long value, long from, long to) {
    return invoke(process, Op.F.APPEND, key, value, from).ok(process, value, to);
  }

  List<Op> ops() {
    return List.copyOf(ops);
  }

  static List<Long> list(long... values) {
    List<Long> l = new ArrayList<>();
    for (long v : values) {
      l.add(v);
    }
    return l;
  }
}
