package dev.shardraft.runtime.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * CPU used during a measurement, read from Linux's {@code /proc}: by the processes of the run (this
 * client JVM, and its child processes: the node JVMs and, when the suite started them, the brokers)
 * per answered command, and by the whole machine, with the time the hypervisor stole from it.
 *
 * <p>Why: on this 2-core VM throughput is CPU-bound and other tenants take a varying share of the
 * CPU (steal of 6-66 % was seen during one run), so commands/s alone do not compare across runs;
 * CPU milliseconds per command do, and the steal says how far a run's rate can be trusted.
 */
final class CpuMeter {
  private static final double TICK_MS = 10; // USER_HZ 100 on Linux

  private CpuMeter() {}

  /** Clock ticks so far: of the run's processes by kind, and of the machine. */
  record Snapshot(
      long client,
      long nodes,
      long brokers,
      long machineBusy,
      long machineSteal,
      long machineTotal) {}

  static Snapshot take() {
    long client = ticks(ProcessHandle.current().pid());
    long nodes = 0;
    long brokers = 0;
    List<ProcessHandle> children;
    try (Stream<ProcessHandle> d = ProcessHandle.current().descendants()) {
      children = d.toList();
    }
    for (ProcessHandle p : children) {
      String cmd = commandLine(p.pid());
      long t = ticks(p.pid());
      if (cmd.contains(IdleNode.class.getName())) {
        nodes += t;
      } else if (cmd.contains("kafka.Kafka")) {
        brokers += t;
      }
    }
    long[] cpu = machine();
    return new Snapshot(client, nodes, brokers, cpu[0], cpu[1], cpu[2]);
  }

  /**
   * {@code cpu_ms_per_cmd=<all run processes> nodes_cpu_ms_per_cmd=.. client_cpu_ms_per_cmd=..
   * broker_cpu_ms_per_cmd=.. machine_busy_pct=.. steal_pct=..} between two snapshots.
   */
  static String fields(Snapshot a, Snapshot b, long commands) {
    double per = Math.max(1, commands);
    long client = b.client - a.client;
    long nodes = b.nodes - a.nodes;
    long brokers = b.brokers - a.brokers;
    double total = Math.max(1, b.machineTotal - a.machineTotal);
    return String.format(
        Locale.ROOT,
        "cpu_ms_per_cmd=%.3f nodes_cpu_ms_per_cmd=%.3f client_cpu_ms_per_cmd=%.3f"
            + " broker_cpu_ms_per_cmd=%.3f machine_busy_pct=%.0f steal_pct=%.0f",
        (client + nodes + brokers) * TICK_MS / per,
        nodes * TICK_MS / per,
        client * TICK_MS / per,
        brokers * TICK_MS / per,
        100 * (b.machineBusy - a.machineBusy) / total,
        100 * (b.machineSteal - a.machineSteal) / total);
  }

  /** utime + stime of a process in clock ticks ({@code /proc/<pid>/stat}). */
  static long processTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** {@link #processTicks}, 0 if the process is gone. */
  private static long ticks(long pid) {
    try {
      return processTicks(pid);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String commandLine(long pid) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** busy (everything but idle, iowait and steal), steal and total ticks of all CPUs. */
  private static long[] machine() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
      return new long[] {total - idle - steal, steal, total};
    } catch (IOException e) {
      return new long[] {0, 0, 0};
    }
  }
}
