package dev.shardraft.runtime.bench;

import dev.shardraft.kafka.local.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The idle cost of N groups x 3 replicas on 3 nodes (issue 9, "cheap per group"): starts a 1-node
 * LocalKafka and three {@link IdleNode} JVMs (one Pekko Cluster over loopback Artery), waits until
 * every group has a ready leader, lets it settle, then measures for {@code --seconds}: the CPU time
 * the three node JVMs used ({@code /proc/<pid>/stat} utime + stime, divided by the wall time:
 * cores), then per node, after two {@code System.gc()}, the thread count, the heap used, the Kafka
 * clients (JMX metrics beans) and their connections. The brokers are separate processes and not
 * counted. Prints per node, then
 *
 * <pre>RESULT idle groups=N nodes=3 cpu_cores=.. threads=.. heap_mb_per_group=.. ...</pre>
 *
 * where threads is the sum over the three nodes and heap_mb_per_group is the three nodes' heap used
 * after GC divided by N (it includes each JVM's fixed heap; compare two N).
 *
 * <p>Options: {@code --groups 16,256} (one run each, a fresh cluster and topics each, on one
 * broker), {@code --seconds 60}, {@code --settle 15} (seconds after every group had a leader),
 * {@code --heap 512m} (per node JVM), {@code --ready-timeout 600}, {@code --node-opt <jvm option>}
 * (repeatable, e.g. {@code -Dshardraft.replica.heartbeat-interval=100ms}).
 */
public final class IdleCostBenchmark {
  private IdleCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    List<String> nodeOpts = new ArrayList<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--node-opt")) {
        nodeOpts.add(args[i + 1]);
      } else {
        opts.put(args[i], args[i + 1]);
      }
    }
    List<Integer> sizes = new ArrayList<>();
    for (String s : opts.getOrDefault("--groups", "16,256").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    int seconds = Integer.parseInt(opts.getOrDefault("--seconds", "60"));
    int settle = Integer.parseInt(opts.getOrDefault("--settle", "15"));
    String heap = opts.getOrDefault("--heap", "512m");
    int readyTimeout = Integer.parseInt(opts.getOrDefault("--ready-timeout", "600"));
    for (int groups : sizes) {
      try (LocalKafka kafka = LocalKafka.start(1)) {
        System.out.println(
            run(
                kafka.bootstrapServers(),
                groups,
                seconds,
                settle,
                heap,
                readyTimeout,
                nodeOpts,
                "idle"));
      }
    }
  }

  /** One measurement on a fresh cluster of 3 nodes; returns its {@code RESULT idle} line. */
  static String run(
      String bootstrap,
      int groups,
      int seconds,
      int settle,
      String heap,
      int readyTimeout,
      List<String> nodeOpts,
      String family)
      throws Exception {
    int[] ports = {NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort()};
    String seeds = ports[0] + "," + ports[1] + "," + ports[2];
    List<NodeProcess> nodes = new ArrayList<>();
    long startNs = System.nanoTime();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(
            NodeProcess.start(
                i,
                ports[i],
                heap,
                nodeOpts,
                List.of(bootstrap, Integer.toString(ports[i]), seeds, family + "=" + groups)));
      }
      for (NodeProcess n : nodes) {
        n.ask(null, "STARTED", Duration.ofSeconds(readyTimeout));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(readyTimeout);
      int ready = 0;
      int local = 0;
      while (true) {
        ready = 0;
        local = 0;
        for (NodeProcess n : nodes) {
          String l = n.ask("leaders", "LEADERS", Duration.ofSeconds(120));
          local += Integer.parseInt(value(l, "local"));
          ready += Integer.parseInt(value(l, "ready"));
        }
        System.out.printf(
            "t=%ds groups=%d replicas running=%d ready leaders=%d%n",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs), groups, local, ready);
        if (ready == groups && local == 3 * groups) {
          break;
        }
        if (System.nanoTime() > deadline) {
          return String.format(
              "RESULT idle groups=%d FAILED: after %d s only %d of %d groups had a ready leader"
                  + " (%d of %d replicas running)",
              groups, readyTimeout, ready, groups, local, 3 * groups);
        }
        Thread.sleep(5_000);
      }
      long readyS = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs);
      System.out.printf(
          "every group has a ready leader after %d s; settling %d s%n", readyS, settle);
      Thread.sleep(settle * 1000L);
      double[] before = new double[3];
      for (int i = 0; i < 3; i++) {
        before[i] = nodes.get(i).cpuSeconds();
      }
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      double wall = (System.nanoTime() - t0) / 1e9;
      double cores = 0;
      long threads = 0;
      long heapUsed = 0;
      for (int i = 0; i < 3; i++) {
        NodeProcess n = nodes.get(i);
        double nodeCores = (n.cpuSeconds() - before[i]) / wall;
        cores += nodeCores;
        String m = n.ask("measure", "MEASURE", Duration.ofSeconds(120));
        String kinds = n.ask(null, "THREADS", Duration.ofSeconds(30));
        threads += Long.parseLong(value(m, "threads"));
        heapUsed += Long.parseLong(value(m, "heap_used"));
        System.out.printf("node %d: cpu_cores=%.3f %s%n", i, nodeCores, m.substring(8));
        System.out.printf("node %d: %s%n", i, kinds);
      }
      // Re-check: still every group led after the measurement.
      int readyAfter = 0;
      int quiescedAfter = 0;
      for (NodeProcess n : nodes) {
        String l = n.ask("leaders", "LEADERS", Duration.ofSeconds(120));
        readyAfter += Integer.parseInt(value(l, "ready"));
        quiescedAfter += Integer.parseInt(value(l, "quiesced"));
      }
      return String.format(
          "RESULT idle groups=%d nodes=3 cpu_cores=%.3f threads=%d heap_mb=%.1f"
              + " heap_mb_per_group=%.3f ready_leaders_after=%d quiesced_replicas_after=%d"
              + " measured_s=%.0f node_heap=%s load=%s",
          groups,
          cores,
          threads,
          heapUsed / 1048576.0,
          heapUsed / 1048576.0 / groups,
          readyAfter,
          quiescedAfter,
          wall,
          heap,
          Files.readString(Path.of("/proc/loadavg")).trim());
    } finally {
      for (NodeProcess n : nodes) {
        n.close();
      }
    }
  }

  private static String value(String line, String key) {
    return NodeProcess.value(line, key);
  }
}
