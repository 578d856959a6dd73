package dev.shardraft.raft.core.apply;

import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.TailEvent;

/**
 * A benchmark main, not a test: the applier's CPU time per command of one registered session with W
 * commands in flight (each command carries {@code lowestUnacked = seq - W + 1}, as a pipelined
 * client's do), 200-byte payloads, a state machine that appends to a list. Prints one line per
 * round and window; the first round is warm-up. Command in docs/BENCHMARKS.md ("Apply cost of a
 * session's reply window").
 *
 * <p>Arguments: {@code <commands per run> <windows, comma-separated>}.
 */
public final class ApplyCostBenchmark {

  private ApplyCostBenchmark() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    for (int round = 0; round < 3; round++) {
      for (String w : args[1].split(",")) {
        int window = Integer.parseInt(w.trim());
        Applier<String, Integer> a = new Applier<>(new ApplierTest.ListMachine(), 10_000_000);
        a.apply(
            new TailEvent.Committed(
                0,
                new LogEntry(
                    1,
                    "n1",
                    LogEntry.Command.registration(
                        "c", Bytes.of(SessionRegistration.payload(window + 1))))));
        Bytes payload = Bytes.utf8("x".repeat(200));
        long t0 = System.nanoTime();
        for (long seq = 1; seq <= n; seq++) {
          long lowest = Math.max(1, seq - window + 1);
          a.apply(
              new TailEvent.Committed(
                  seq, new LogEntry(1, "n1", new LogEntry.Command("c@0", seq, payload, lowest))));
        }
        long ns = System.nanoTime() - t0;
        System.out.printf(
            "RESULT apply_cost round=%d window=%d commands=%d ns_per_apply=%.0f%n",
            round, window, n, (double) ns / n);
      }
    }
  }
}
