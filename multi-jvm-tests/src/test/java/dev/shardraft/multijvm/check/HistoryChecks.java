package dev.shardraft.multijvm.check;

import dev.shardraft.multijvm.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks beside linearizability, each naming the key and the operations involved:
 *
 * <ul>
 *   <li>{@link #noLostWrites}: every acknowledged append is in its key's final list; no register's
 *       final value comes from a write that an acknowledged write completely followed;
 *   <li>{@link #noDoubleAppends}: no read ever shows one appended value twice;
 *   <li>{@link #appliedSequencesAgree}: every replica of a group that has applied up to the same
 *       index has the same digest of its applied sequence.
 * </ul>
 */
public final class HistoryChecks {
  private HistoryChecks() {}

  /**
   * {@code finalState}: key to its value read after the run (a {@code List<Long>} for list keys, a
   * {@code Long} or null for registers).
   */
  public static Verdict noLostWrites(List<Op> history, Map<String, Object> finalState) {
    List<String> problems = new ArrayList<>();
    Map<String, List<Operation>> byKey = Operations.byKey(history);
    for (Map.Entry<String, Object> e : finalState.entrySet()) {
      String key = e.getKey();
      List<Operation> ops = byKey.getOrDefault(key, List.of());
      if (e.getValue() instanceof List<?> list) {
        for (Operation op : ops) {
          if (op.f() == Op.F.APPEND && !op.unknown() && !list.contains(op.input())) {
            problems.add(
                "key " + key + ": acknowledged " + op + " is missing from the final list " + list);
          }
        }
      } else {
        lostRegisterWrite(key, e.getValue(), ops).ifPresent(problems::add);
      }
    }
    return new Verdict("no lost writes (" + finalState.size() + " keys)", problems);
  }

  private static java.util.Optional<String> lostRegisterWrite(
      String key, Object value, List<Operation> ops) {
    Operation source = null;
    for (Operation op : ops) {
      if (writtenBy(op) != null && writtenBy(op).equals(value)) {
        source = op;
      }
    }
    if (value != null && source == null) {
      return java.util.Optional.of("key " + key + ": final value " + value + " was never written");
    }
    for (Operation op : ops) {
      boolean acked = !op.unknown() && (op.f() == Op.F.WRITE || op.f() == Op.F.CAS);
      long sourceReturn = source == null ? Long.MIN_VALUE : source.ret();
      if (acked && op != source && op.call() > sourceReturn) {
        return java.util.Optional.of(
            "key "
                + key
                + ": acknowledged "
                + op
                + " is lost: the final value "
                + value
                + " comes from "
                + (source == null ? "no write" : source.toString())
                + ", which returned before it was invoked");
      }
    }
    return java.util.Optional.empty();
  }

  private static Long writtenBy(Operation op) {
    return switch (op.f()) {
      case WRITE -> (Long) op.input();
      case CAS -> (Long) ((List<?>) op.input()).get(1);
      default -> null;
    };
  }

  /** No read of a list key shows a value twice (a value is appended by one operation only). */
  public static Verdict noDoubleAppends(List<Op> history) {
    List<String> problems = new ArrayList<>();
    Map<String, Set<Object>> appendedBy = new HashMap<>();
    for (Op op : history) {
      if (op.type() == Op.Type.INVOKE && op.f() == Op.F.APPEND) {
        if (!appendedBy.computeIfAbsent(op.key(), k -> new HashSet<>()).add(op.value())) {
          problems.add("key " + op.key() + ": value " + op.value() + " appended by two ops: " + op);
        }
      }
      if (op.type() == Op.Type.OK && op.f() == Op.F.READ && op.value() instanceof List<?> list) {
        Set<Object> seen = new HashSet<>();
        for (Object v : list) {
          if (!seen.add(v)) {
            problems.add(
                "key " + op.key() + ": value " + v + " applied twice, read by " + op + ": " + list);
            break;
          }
        }
      }
    }
    return new Verdict("no double appends", problems);
  }

  /** What one replica reports of its applied sequence. */
  public record ReplicaDigest(String group, String replica, long appliedIndex, String digest) {}

  /**
   * For every group, all replicas that report the group's highest applied index have the same
   * digest, and at least {@code minReplicas} report it.
   */
  public static Verdict appliedSequencesAgree(List<ReplicaDigest> reports, int minReplicas) {
    Map<String, List<ReplicaDigest>> byGroup = new LinkedHashMap<>();
    reports.forEach(r -> byGroup.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r));
    List<String> problems = new ArrayList<>();
    byGroup.forEach(
        (group, rs) -> {
          long top = rs.stream().mapToLong(ReplicaDigest::appliedIndex).max().orElseThrow();
          List<ReplicaDigest> atTop = rs.stream().filter(r -> r.appliedIndex() == top).toList();
          Set<String> digests = new HashSet<>();
          atTop.forEach(r -> digests.add(r.digest()));
          if (digests.size() > 1) {
            problems.add(
                "group "
                    + group
                    + ": replicas applied different sequences up to "
                    + top
                    + ": "
                    + atTop);
          } else if (atTop.size() < minReplicas) {
            problems.add(
                "group "
                    + group
                    + ": only "
                    + atTop.size()
                    + " replica(s) reached index "
                    + top
                    + " (wanted "
                    + minReplicas
                    + "): "
                    + rs);
          }
        });
    return new Verdict("applied sequences agree (" + byGroup.size() + " groups)", problems);
  }
}
