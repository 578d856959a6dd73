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
import org.apache.pekko.cluster.typed.Join;

/**
 * One hosting node of {@link IdleCostBenchmark}, in its own JVM: joins the cluster, hosts its share
 * of the family {@code idle} (N groups x 3 replicas, a state machine that does nothing), and
 * answers the driver's commands on stdin, one line each:
 *
 * <ul>
 *   <li>{@code leaders}: {@code LEADERS local=<replicas here> ready=<ready leaders here>
 *       quiesced=<replicas here whose group is quiesced>};
 *   <li>{@code measure}: two {@code System.gc()}, then {@code MEASURE threads=.. heap_used=..
 *       producers=.. consumers=.. admins=.. connections=..} and one {@code THREADS <kind>=<count>}
 *       line (thread names with their numbers removed);
 *   <li>{@code quit}: terminates the actor system and exits.
 * </ul>
 *
 * Args: {@code <bootstrap> <artery port> <seed port> <groups>}.
 */
public final class IdleNode {
  private IdleNode() {}

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
    int seedPort = Integer.parseInt(args[2]);
    int groups = Integer.parseInt(args[3]);
    Config config =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "pekko.actor.provider = cluster",
                    "pekko.loglevel = WARNING",
                    "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                    "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                    "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                    "pekko.remote.artery.canonical.port = " + port,
                    // A loaded machine: binding, joining and heartbeats may be seconds late; the
                    // benchmark measures an idle cluster, not failure detection.
                    "pekko.remote.artery.bind.bind-timeout = 60s",
                    "pekko.logger-startup-timeout = 60s",
                    "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 10s",
                    "pekko.cluster.roles = [replica]",
                    "pekko.cluster.downing-provider-class ="
                        + " \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
                    "pekko.cluster.split-brain-resolver.active-strategy = keep-majority",
                    "shardraft.runtime.replica-role = replica",
                    "shardraft.kafka.bootstrap-servers = \"" + bootstrap + "\""))
            .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "idle", config);
    Cluster cluster = Cluster.get(system);
    cluster
        .manager()
        .tell(
            Join.create(
                new org.apache.pekko.actor.Address("pekko", "idle", "127.0.0.1", seedPort)));
    ShardedRaft<String, String> raft =
        ShardedRaft.init(system, RaftGroups.of("idle", groups, Nothing::new));
    System.out.println("STARTED " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      switch (line.trim()) {
        case "leaders" -> System.out.println(leaders(raft));
        case "measure" -> {
          System.out.println(measure());
          System.out.println(threadKinds());
        }
        case "quit" -> {
          system.terminate();
          system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
          System.exit(0);
        }
        default -> System.out.println("UNKNOWN " + line);
      }
      System.out.flush();
    }
    system.terminate();
  }

  private static String leaders(ShardedRaft<String, String> raft) {
    Set<String> local = raft.localReplicas();
    List<CompletableFuture<Status>> asks = new ArrayList<>();
    for (String id : local) {
      int slash = id.indexOf('/');
      asks.add(
          raft.status(id.substring(0, slash), id.substring(slash + 1), Duration.ofSeconds(5))
              .toCompletableFuture());
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
    return "LEADERS local=" + local.size() + " ready=" + ready + " quiesced=" + quiesced;
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
    for (ObjectName name : names) {
      Object count = beans.getAttribute(name, "connection-count");
      connections += (int) Math.round(((Number) count).doubleValue());
    }
    return new int[] {names.size(), connections};
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
