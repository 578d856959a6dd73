package dev.shardraft.multijvm.check;

import dev.shardraft.multijvm.history.HistoryFile;
import dev.shardraft.multijvm.history.Op;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Checks a kept history file by hand: {@code CheckHistory <file.jsonl>} prints, per key, the
 * operation count, the time the search took and its verdict, then the double-append check.
 */
public final class CheckHistory {
  private CheckHistory() {}

  public static void main(String[] args) {
    List<Op> ops = HistoryFile.read(Path.of(args[0]));
    LinearizabilityChecker checker = new LinearizabilityChecker();
    boolean valid = true;
    for (Map.Entry<String, List<Operation>> e : Operations.byKey(ops).entrySet()) {
      long t0 = System.nanoTime();
      var problem = checker.checkKey(e.getKey(), e.getValue());
      long unknown = e.getValue().stream().filter(Operation::unknown).count();
      System.out.printf(
          "%s: %d operations (%d info) in %d ms: %s%n",
          e.getKey(),
          e.getValue().size(),
          unknown,
          (System.nanoTime() - t0) / 1_000_000,
          problem.orElse("linearizable"));
      valid &= problem.isEmpty();
    }
    Verdict doubles = HistoryChecks.noDoubleAppends(ops);
    System.out.println(doubles);
    System.exit(valid && doubles.valid() ? 0 : 1);
  }
}
