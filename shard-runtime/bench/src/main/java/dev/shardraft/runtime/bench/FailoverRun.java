package dev.shardraft.runtime.bench;

import dev.shardraft.runtime.FamilyStatus;
import dev.shardraft.runtime.ShardedRaft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Failover of {@link BenchmarkSuite}: SIGKILL of the node JVM that leads the most groups of one
 * family, while every group the node led receives a probe command every {@code probeEvery}; the
 * failover time of a group is from the kill to the first answered (so committed and applied) probe
 * that was sent after the kill. Then the node is started again on its port, and the next kill waits
 * until every group of every family has a ready leader and all its replicas running again.
 */
final class FailoverRun {
  private FailoverRun() {}

  /** The failover time of each group affected by one kill, in ms; -1 if it never answered. */
  record Kill(int node, List<String> groups, Map<String, Long> failoverMs) {}

  /** The key of each group of the family: some key that maps to it. */
  static Map<String, String> keyPerGroup(ShardedRaft<String, String> raft) {
    Map<String, String> keys = new HashMap<>();
    int groups = raft.groups().count();
    for (int i = 0; keys.size() < groups; i++) {
      keys.putIfAbsent(raft.groupFor("probe-" + i), "probe-" + i);
    }
    return keys;
  }

  static Kill killOnce(
      ShardedRaft<String, String> raft,
      List<NodeProcess> nodes,
      Map<String, String> keys,
      Duration probeEvery,
      Duration give)
      throws Exception {
    FamilyStatus status = raft.admin().status(Duration.ofSeconds(10)).toCompletableFuture().get();
    Map<String, Integer> leaders = status.leadersPerNode();
    String victimAddress =
        leaders.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    NodeProcess victim =
        nodes.stream()
            .filter(n -> victimAddress.endsWith(":" + n.port))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no node process for " + victimAddress));
    List<String> affected = new ArrayList<>();
    for (FamilyStatus.Group g : status.groups()) {
      if (g.leader().flatMap(FamilyStatus.Replica::node).map(victimAddress::equals).orElse(false)) {
        affected.add(g.group());
      }
    }
    Map<String, Long> firstAnsweredNs = new ConcurrentHashMap<>();
    AtomicBoolean probing = new AtomicBoolean(true);
    long[] killNs = {Long.MAX_VALUE};
    Thread prober =
        new Thread(
            () -> {
              long n = 0;
              while (probing.get()) {
                for (String group : affected) {
                  long sent = System.nanoTime();
                  raft.ask(keys.get(group), "probe-" + n++, Duration.ofSeconds(10))
                      .whenComplete(
                          (reply, error) -> {
                            if (error == null && sent >= killNs[0]) {
                              firstAnsweredNs.putIfAbsent(group, System.nanoTime());
                            }
                          });
                }
                try {
                  Thread.sleep(probeEvery.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "failover-prober");
    prober.setDaemon(true);
    prober.start();
    Thread.sleep(1_000); // the probes run against the healthy group first
    synchronized (killNs) {
      killNs[0] = System.nanoTime();
    }
    victim.kill();
    long deadline = killNs[0] + give.toNanos();
    while (firstAnsweredNs.size() < affected.size() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    probing.set(false);
    prober.join(5_000);
    Map<String, Long> failover = new HashMap<>();
    for (String group : affected) {
      Long at = firstAnsweredNs.get(group);
      failover.put(group, at == null ? -1 : TimeUnit.NANOSECONDS.toMillis(at - killNs[0]));
    }
    return new Kill(victim.index, affected, failover);
  }
}
