package dev.shardraft.runtime.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.port.QueryableStateMachine;
import dev.shardraft.runtime.RaftGroups;
import dev.shardraft.runtime.ShardedRaft;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * One hosting node of the benchmarks ({@link IdleCostBenchmark}, {@link BenchmarkSuite}), in its
 * own JVM: joins the cluster (actor system {@value #SYSTEM}), hosts its share of one or more
 * families of N groups x 3 replicas with a state machine that does nothing but answer the command,
 * and answers the driver's commands on stdin, one line each:
 *
 * <ul>
 *   <li>{@code leaders}: {@code LEADERS local=<replicas here> ready=<ready leaders here>
 *       quiesced=<replicas here whose group is quiesced>};
 *   <li>{@code measure}: two {@code System.gc()}, then {@code MEASURE threads=.. heap_used=..
 *       producers=.. consumers=.. admins=.. connections=..} and one {@code THREADS <kind>=<count>}
 *       line (thread names with their numbers removed);
 *   <li>{@code meters}: {@code METERS} with each local leader's batch count, mean batch size and
 *       commit latency;
 *   <li>{@code quit}: terminates the actor system and exits.
 * </ul>
 *
 * Args: {@code <bootstrap> <artery port> <seed ports, comma-separated> <families>}, where families
 * is a number N (the family {@code idle} of N groups) or {@code name=N,name=N,...}.
 */
public final class IdleNode {
  static final String SYSTEM = "bench";

  private IdleNode() {}

  /** The families of a {@code <families>} argument, in order. */
  static Map<String, Integer> families(String arg) {
    Map<String, Integer> families = new java.util.LinkedHashMap<>();
    if (arg.matches("[0-9]+")) {
      families.put("idle", Integer.parseInt(arg));
      return families;
    }
    for (String f : arg.split(",")) {
      String[] nameAndCount = f.split("=");
      families.put(nameAndCount[0].trim(), Integer.parseInt(nameAndCount[1].trim()));
    }
    return families;
  }

  /** Join the cluster of the benchmark through these seed nodes (Pekko's seed-node process). */
  static void join(ActorSystem<?> system, String seedPorts) {
    List<org.apache.pekko.actor.Address> seeds = new ArrayList<>();
    for (String p : seedPorts.split(",")) {
      seeds.add(
          new org.apache.pekko.actor.Address("pekko", SYSTEM, "127.0.0.1", Integer.parseInt(p)));
    }
    Cluster.get(system).manager().tell(new JoinSeedNodes(seeds));
  }

  /** Does nothing; snapshots are empty. */
  static final class Nothing implements QueryableStateMachine<String, String> {
    @Override
    public Result<String> apply(long index, String command) {
      return new Result<>(command, List.of());
    }

    @Override
    public byte[] snapshot() {
      return new byte[0];
    }

    @Override
    public void restore(byte[] snapshot) {}

    @Override
    public Codec<String> commandCodec() {
      return Codec.utf8();
    }

    @Override
    public Codec<String> replyCodec() {
      return Codec.utf8();
    }

    @Override
    public byte[] query(byte[] query) {
      return new byte[0];
    }
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    int port = Integer.parseInt(args[1]);
    Map<String, Integer> families = families(args[3]);
    // -D options (the benchmarks' --node-opt) win over the settings below.
    Config config =
        ConfigFactory.systemProperties()
            .withFallback(
                ConfigFactory.parseString(
                        String.join(
                            "\n",
                            "pekko.actor.provider = cluster",
                            "pekko.loglevel = WARNING",
                            "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                            "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                            "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                            "pekko.remote.artery.canonical.port = " + port,
                            // A loaded machine: binding, joining and heartbeats may be seconds
                            // late; the
                            // benchmark measures an idle cluster, not failure detection.
                            "pekko.remote.artery.bind.bind-timeout = 60s",
                            "pekko.logger-startup-timeout = 60s",
                            "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 10s",
                            // A node restarted on its old port is let in only once its old
                            // incarnation
                            // was removed; its first join attempt usually comes too soon for that,
                            // and
                            // the next one would wait the default 10 s.
                            "pekko.cluster.retry-unsuccessful-join-after = 2s",
                            // As the cluster tests: with the default 150-300 ms a pause of a few
                            // hundred
                            // ms on this shared 2-core machine made fresh leaders lose check-quorum
                            // and
                            // failovers take 1.5-4.9 s (docs/BENCHMARKS.md).
                            "shardraft.replica.election-timeout-min = 300ms",
                            "shardraft.replica.election-timeout-max = 600ms",
                            "shardraft.replica.heartbeat-interval = 100ms",
                            "pekko.cluster.roles = [replica]",
                            "pekko.cluster.downing-provider-class ="
                                + " \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
                            "pekko.cluster.split-brain-resolver.active-strategy = keep-majority",
                            "shardraft.runtime.replica-role = replica",
                            "shardraft.kafka.bootstrap-servers = \"" + bootstrap + "\""))
                    .withFallback(ConfigFactory.load()));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM, config);
    join(system, args[2]);
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    List<ShardedRaft<String, String>> rafts = new ArrayList<>();
    families.forEach(
        (family, groups) ->
            rafts.add(
                ShardedRaft.init(system, RaftGroups.of(family, groups, Nothing::new), meters)));
    System.out.println("STARTED " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      try {
        answer(line.trim(), rafts, meters, system);
      } catch (Exception e) {
        // The driver sees it (and its wait for the answer ends); the node serves the next command.
        System.out.println("ERROR " + line.trim() + ": " + e);
      }
      System.out.flush();
    }
    system.terminate();
  }

  private static void answer(
      String command,
      List<ShardedRaft<String, String>> rafts,
      io.micrometer.core.instrument.MeterRegistry meters,
      ActorSystem<Void> system)
      throws Exception {
    switch (command) {
      case "leaders" -> System.out.println(leaders(rafts));
      case "measure" -> {
        System.out.println(measure());
        System.out.println(threadKinds());
      }
      case "meters" -> System.out.println(meters(meters));
      case "quit" -> {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        System.exit(0);
      }
      default -> System.out.println("UNKNOWN " + command);
    }
  }

  private static String leaders(List<ShardedRaft<String, String>> rafts) {
    int local = 0;
    List<CompletableFuture<Status>> asks = new ArrayList<>();
    for (ShardedRaft<String, String> raft : rafts) {
      for (String id : raft.localReplicas()) {
        int slash = id.indexOf('/');
        local++;
        asks.add(
            raft.status(id.substring(0, slash), id.substring(slash + 1), Duration.ofSeconds(5))
                .toCompletableFuture());
      }
    }
    int ready = 0;
    int quiesced = 0;
    for (CompletableFuture<Status> ask : asks) {
      try {
        Status s = ask.get(10, TimeUnit.SECONDS);
        if (s.isReadyLeader()) {
          ready++;
        }
        if (s.quiesced()) {
          quiesced++;
        }
      } catch (Exception notAnswering) {
        // counted as not a ready leader
      }
    }
    return "LEADERS local=" + local + " ready=" + ready + " quiesced=" + quiesced;
  }

  /**
   * {@code METERS} with, per leader on this node, the batches it appended (count, mean size) and
   * their commit latency (mean and max ms), since the node started.
   */
  private static String meters(io.micrometer.core.instrument.MeterRegistry registry) {
    StringBuilder b = new StringBuilder("METERS");
    for (io.micrometer.core.instrument.Timer t :
        registry.find("shardraft.replica.commit.latency").timers()) {
      if (t.count() == 0) {
        continue;
      }
      io.micrometer.core.instrument.DistributionSummary batches =
          registry
              .find("shardraft.replica.batch.size")
              .tag("group", t.getId().getTag("group"))
              .tag("replica", t.getId().getTag("replica"))
              .summary();
      b.append(
          String.format(
              " %s/%s:batches=%d,mean_batch=%.1f,commit_mean_ms=%.2f,commit_max_ms=%.1f",
              t.getId().getTag("group"),
              t.getId().getTag("replica"),
              t.count(),
              batches == null ? 0.0 : batches.mean(),
              t.mean(TimeUnit.MILLISECONDS),
              t.max(TimeUnit.MILLISECONDS)));
    }
    return b.toString();
  }

  private static String measure() throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    System.gc();
    long heap = memory.getHeapMemoryUsage().getUsed();
    MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
    int[] producers = clients(beans, "kafka.producer:type=producer-metrics,client-id=*");
    int[] consumers = clients(beans, "kafka.consumer:type=consumer-metrics,client-id=*");
    int[] admins = clients(beans, "kafka.admin.client:type=admin-client-metrics,client-id=*");
    return "MEASURE threads="
        + ManagementFactory.getThreadMXBean().getThreadCount()
        + " heap_used="
        + heap
        + " producers="
        + producers[0]
        + " consumers="
        + consumers[0]
        + " admins="
        + admins[0]
        + " connections="
        + (producers[1] + consumers[1] + admins[1])
        + " producer_connections="
        + producers[1];
  }

  /** How many clients have a metrics bean matching {@code pattern}, and their connections. */
  private static int[] clients(MBeanServer beans, String pattern) throws Exception {
    Set<ObjectName> names = beans.queryNames(new ObjectName(pattern), null);
    int connections = 0;
    int clients = 0;
    for (ObjectName name : names) {
      Object count;
      try {
        count = beans.getAttribute(name, "connection-count");
      } catch (javax.management.OperationsException closedMeanwhile) {
        // A client closed between the query and this read (a meta producer's idle close: its bean
        // or its metrics gone, InstanceNotFoundException or AttributeNotFoundException): it is
        // gone, so it is not counted. Before, this exception ended the command loop and the node
        // never answered "measure" (the suite's idle part failed that way).
        continue;
      }
      clients++;
      connections += (int) Math.round(((Number) count).doubleValue());
    }
    return new int[] {clients, connections};
  }

  private static String threadKinds() {
    Map<String, Integer> kinds = new TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String kind = t.getName().replaceAll("[0-9]+", "#");
      kinds.merge(kind, 1, Integer::sum);
    }
    StringBuilder b = new StringBuilder("THREADS");
    kinds.forEach((k, v) -> b.append(' ').append(k.replace(' ', '_')).append('=').append(v));
    return b.toString();
  }
}
