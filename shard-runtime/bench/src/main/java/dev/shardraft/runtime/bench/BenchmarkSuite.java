package dev.shardraft.runtime.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.LocalKafka;
import dev.shardraft.runtime.FamilyStatus;
import dev.shardraft.runtime.RaftGroups;
import dev.shardraft.runtime.ShardedRaft;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The whole benchmark suite of issue 12 in one run (docs/BENCHMARKS.md, "Run everything"): starts
 * its own LocalKafka (or uses {@code --bootstrap}) and three {@link IdleNode} JVMs, joins them as a
 * client-only cluster member, and measures on the same brokers, one after the other:
 *
 * <ol>
 *   <li>raw Kafka: transactional producers ({@code acks=all}, shardraft's producer settings, one
 *       per topic, transactions of {@code --batch} records) to 1, 8 and 64 topics, and the round
 *       trip of one record (produce in a transaction, commit, seen by a read_committed consumer);
 *   <li>end to end: commands answered per second by families of 1, 8 and 64 groups, with C clients
 *       each keeping one command outstanding and with pipelined clients;
 *   <li>latency at a fixed offered rate (open loop) at 25, 50 and 75% of the best measured rate;
 *   <li>failover: SIGKILL of the node leading the most groups, first answered command per affected
 *       group, {@code --kills} times;
 *   <li>per-group cost: CPU, threads and heap of 3 idle nodes ({@link IdleCostBenchmark}) for each
 *       of {@code --idle-groups}.
 * </ol>
 *
 * Every figure is one line {@code RESULT <name> key=value ...}; the run ends with {@code RATIO
 * e2e_vs_raw_kafka=...}: the best end-to-end commands/s divided by raw Kafka's records/s to as many
 * topics as that configuration had groups.
 */
public final class BenchmarkSuite {
  private BenchmarkSuite() {}

  private static final List<String> ALL_PARTS = List.of("raw", "e2e", "open", "failover", "idle");

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    List<String> nodeOpts = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "options are --name value pairs; bad: " + args[i] + " (docs/BENCHMARKS.md lists them)");
      }
      if (args[i].equals("--node-opt")) {
        nodeOpts.add(args[++i]);
      } else {
        opts.put(args[i], args[++i]);
      }
    }
    Options o = new Options(opts, nodeOpts);
    long started = System.nanoTime();
    System.out.printf(
        "shardraft benchmark suite, %s, %d cores, java %s, load %s%n",
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        load());
    LocalKafka kafka = null;
    String bootstrap = o.bootstrap;
    try {
      if (bootstrap == null) {
        kafka = LocalKafka.builder().nodes(o.brokers).heap(o.brokerHeap).start();
        bootstrap = kafka.bootstrapServers();
        System.out.printf(
            "LocalKafka: %d broker(s) at %s, heap %s each, started in %d ms%n",
            o.brokers, bootstrap, o.brokerHeap, kafka.startupTime().toMillis());
      }
      new BenchmarkSuite.Run(o, bootstrap).all();
    } finally {
      if (kafka != null) {
        kafka.close();
      }
    }
    System.out.printf(
        "suite finished in %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
  }

  /** The suite's options, each with its default (docs/BENCHMARKS.md). */
  static final class Options {
    final String bootstrap;
    final int brokers;
    final String brokerHeap;
    final Set<String> parts;
    final List<Integer> groups;
    final List<Integer> clients;
    final int pipelinedClients;
    final int pipelinedWindow;
    final int payload;
    final int batch;
    final Duration warmup;
    final Duration measure;
    final int kills;
    final Duration failoverWarmup;
    final Duration jitWarmup;
    final List<Integer> idleGroups;
    final int idleSeconds;
    final int idleSettle;
    final String idleHeap;
    final String heap;
    final String attemptTimeout;
    final List<String> nodeOpts;

    Options(Map<String, String> o, List<String> nodeOpts) {
      Map<String, String> left = new LinkedHashMap<>(o);
      bootstrap = left.remove("--bootstrap");
      brokers = Integer.parseInt(orDefault(left, "--brokers", "1"));
      // Kafka's own default (kafka-server-start.sh). At 1,024 groups a 384m broker spent its
      // time in full GCs (docs/BENCHMARKS.md, "Elections of many groups at once").
      brokerHeap = orDefault(left, "--broker-heap", "1g");
      parts =
          new TreeSet<>(
              Arrays.asList(orDefault(left, "--parts", String.join(",", ALL_PARTS)).split(",")));
      if (!ALL_PARTS.containsAll(parts)) {
        throw new IllegalArgumentException("--parts takes some of " + ALL_PARTS + ", was " + parts);
      }
      groups = ints(orDefault(left, "--groups", "1,8,64"));
      clients = ints(orDefault(left, "--clients", "1,16,128"));
      pipelinedClients = Integer.parseInt(orDefault(left, "--pipelined-clients", "16"));
      pipelinedWindow = Integer.parseInt(orDefault(left, "--pipelined-window", "64"));
      payload = Integer.parseInt(orDefault(left, "--payload", "200"));
      batch = Integer.parseInt(orDefault(left, "--batch", "256"));
      warmup = Duration.ofSeconds(Long.parseLong(orDefault(left, "--warmup", "3")));
      measure = Duration.ofSeconds(Long.parseLong(orDefault(left, "--seconds", "10")));
      kills = Integer.parseInt(orDefault(left, "--kills", "10"));
      failoverWarmup =
          Duration.ofSeconds(Long.parseLong(orDefault(left, "--failover-warmup", "5")));
      jitWarmup = Duration.ofSeconds(Long.parseLong(orDefault(left, "--jit-warmup", "150")));
      idleGroups = ints(orDefault(left, "--idle-groups", "16,256,1024"));
      idleSeconds = Integer.parseInt(orDefault(left, "--idle-seconds", "30"));
      // Longer than shardraft.kafka.meta.idle-producer-close (30 s): what is measured is the idle
      // state, after the producers opened at start-up were closed.
      idleSettle = Integer.parseInt(orDefault(left, "--idle-settle", "35"));
      idleHeap = orDefault(left, "--idle-heap", "512m");
      heap = orDefault(left, "--heap", "384m");
      attemptTimeout = orDefault(left, "--attempt-timeout", "300ms");
      this.nodeOpts = List.copyOf(nodeOpts);
      if (!left.isEmpty()) {
        throw new IllegalArgumentException(
            "unknown options " + left.keySet() + " (docs/BENCHMARKS.md)");
      }
    }

    private static String orDefault(Map<String, String> o, String key, String dflt) {
      String v = o.remove(key);
      return v == null ? dflt : v;
    }

    private static List<Integer> ints(String csv) {
      List<Integer> out = new ArrayList<>();
      for (String s : csv.split(",")) {
        out.add(Integer.parseInt(s.trim()));
      }
      return out;
    }
  }

  private static final class Run {
    final Options o;
    final String bootstrap;
    final KafkaSettings kafkaSettings;
    final Map<Integer, Double> rawPerTopics = new LinkedHashMap<>();
    double bestE2e;

    /** The client's meters: its retries by reason are printed with each result. */
    final SimpleMeterRegistry clientMeters = new SimpleMeterRegistry();

    Map<String, Double> retriesAtMark = Map.of();
    String bestE2eName;
    int bestE2eGroups;

    Run(Options o, String bootstrap) {
      this.o = o;
      this.bootstrap = bootstrap;
      this.kafkaSettings =
          KafkaSettings.fromConfig(
              ConfigFactory.parseString("shardraft.kafka.bootstrap-servers = \"" + bootstrap + "\"")
                  .withFallback(ConfigFactory.load()));
    }

    void all() throws Exception {
      if (o.parts.contains("raw")) {
        raw();
      }
      if (o.parts.contains("e2e") || o.parts.contains("open")) {
        cluster(o.groups, "g", false);
      }
      if (o.parts.contains("failover")) {
        // A cluster of its own with only the failover family, so that the kills measure that family
        // alone (no load families' replicas moving back between kills).
        cluster(List.of(failoverGroups()), "f", true);
      }
      if (o.parts.contains("idle")) {
        for (int n : o.idleGroups) {
          List<String> nodeOpts = new ArrayList<>(o.nodeOpts);
          try {
            System.out.println(
                IdleCostBenchmark.run(
                    bootstrap,
                    n,
                    o.idleSeconds,
                    o.idleSettle,
                    o.idleHeap,
                    900,
                    nodeOpts,
                    "idle" + n));
          } catch (RuntimeException e) {
            // One size failing (a node not answering) is a figure missing, not the end of the
            // run: the next size and the RATIO line still come.
            System.out.printf("RESULT idle groups=%d nodes=3 FAILED: %s%n", n, e);
          }
        }
      }
      if (bestE2eName != null) {
        Double raw = rawPerTopics.get(bestE2eGroups);
        if (raw != null) {
          System.out.printf(
              "RATIO e2e_vs_raw_kafka=%.3f e2e=%s e2e_cmds_per_s=%.0f raw_records_per_s=%.0f"
                  + " topics=%d%n",
              bestE2e / raw, bestE2eName, bestE2e, raw, bestE2eGroups);
        } else {
          System.out.println(
              "RATIO not computed: no raw Kafka figure for " + bestE2eGroups + " topics");
        }
      }
    }

    void raw() throws Exception {
      if (!o.jitWarmup.isZero()) {
        // The broker and this JVM are fresh: their JIT compilers are still busy for a minute or
        // more, and a cold broker answers several times slower (docs/BENCHMARKS.md, "Warm-up").
        int topics = o.groups.get(o.groups.size() - 1);
        List<String> names = RawKafka.createTopics(bootstrap, "rawwarm", topics, o.brokers);
        double perS =
            RawKafka.throughput(
                kafkaSettings, names, o.batch, o.payload, (int) o.jitWarmup.toSeconds());
        System.out.printf(
            "  warm-up (JIT): raw Kafka to %d topics, %.0f records/s for %d s%n",
            topics, perS, o.jitWarmup.toSeconds());
      }
      for (int topics : o.groups) {
        List<String> names = RawKafka.createTopics(bootstrap, "raw" + topics, topics, o.brokers);
        double perS =
            RawKafka.throughput(
                kafkaSettings, names, o.batch, o.payload, (int) o.measure.toSeconds());
        rawPerTopics.put(topics, perS);
        System.out.printf(
            "RESULT raw_kafka topics=%d records_per_s=%.0f batch=%d payload=%d acks=all"
                + " transactional=true brokers=%d%n",
            topics, perS, o.batch, o.payload, o.brokers);
      }
      List<String> rt = RawKafka.createTopics(bootstrap, "rawrt", 1, o.brokers);
      Histogram h = RawKafka.roundTrip(kafkaSettings, rt.get(0), o.payload, 2_000, 1000);
      System.out.printf(
          "RESULT raw_kafka_round_trip samples=%d p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f%n",
          h.getTotalCount(),
          h.getValueAtPercentile(50) / 1000.0,
          h.getValueAtPercentile(99) / 1000.0,
          h.getValueAtPercentile(99.9) / 1000.0,
          h.getMaxValue() / 1000.0);
    }

    int failoverGroups() {
      return o.groups.contains(8) ? 8 : o.groups.get(o.groups.size() - 1);
    }

    void cluster(List<Integer> counts, String prefix, boolean failover) throws Exception {
      StringBuilder families = new StringBuilder();
      for (int g : counts) {
        families
            .append(families.length() == 0 ? "" : ",")
            .append(prefix)
            .append(g)
            .append('=')
            .append(g);
      }
      int[] ports = {NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort()};
      String seeds = ports[0] + "," + ports[1] + "," + ports[2];
      List<NodeProcess> nodes = new ArrayList<>();
      ActorSystem<Void> client = null;
      try {
        for (int i = 0; i < 3; i++) {
          nodes.add(startNode(i, ports[i], seeds, families.toString()));
        }
        client = clientSystem(seeds);
        Map<Integer, ShardedRaft<String, String>> rafts = new LinkedHashMap<>();
        for (int g : counts) {
          rafts.put(
              g,
              ShardedRaft.init(
                  client, RaftGroups.of(prefix + g, g, IdleNode.Nothing::new), clientMeters));
        }
        awaitHealthy(rafts.values(), Duration.ofMinutes(10));
        if (failover) {
          failover(rafts, nodes, seeds, families.toString());
          return;
        }
        jitWarmUp(rafts);
        if (o.parts.contains("e2e")) {
          e2e(rafts, nodes);
        }
        if (o.parts.contains("open")) {
          open(rafts);
        }
      } finally {
        if (client != null) {
          client.terminate();
          client.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        for (NodeProcess n : nodes) {
          n.close();
        }
      }
    }

    NodeProcess startNode(int index, int port, String seeds, String families) throws Exception {
      return NodeProcess.start(
          index,
          port,
          o.heap,
          o.nodeOpts,
          List.of(bootstrap, Integer.toString(port), seeds, families));
    }

    ActorSystem<Void> clientSystem(String seeds) throws Exception {
      Config config =
          ConfigFactory.parseString(
                  String.join(
                      "\n",
                      "pekko.actor.provider = cluster",
                      "pekko.loglevel = WARNING",
                      "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                      "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                      "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                      "pekko.remote.artery.canonical.port = " + NodeProcess.freePort(),
                      "pekko.cluster.roles = [client]",
                      "pekko.cluster.downing-provider-class ="
                          + " \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
                      "pekko.cluster.split-brain-resolver.active-strategy = keep-majority",
                      "shardraft.runtime.replica-role = replica",
                      "shardraft.runtime.client.attempt-timeout = " + o.attemptTimeout,
                      "shardraft.kafka.bootstrap-servers = \"" + bootstrap + "\""))
              .withFallback(ConfigFactory.load());
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), IdleNode.SYSTEM, config);
      IdleNode.join(system, seeds);
      return system;
    }

    /** Until every group of every family has a ready leader and all its replicas running. */
    void awaitHealthy(Iterable<ShardedRaft<String, String>> rafts, Duration timeout)
        throws Exception {
      awaitHealthy(rafts, timeout, false);
    }

    /**
     * Until every group of every family has a ready leader and all its replicas running, and, if
     * {@code caughtUp}, every replica has applied as far as its leader (the groups are idle then: a
     * restarted replica has replayed its log, so it can take over leadership at once).
     */
    void awaitHealthy(
        Iterable<ShardedRaft<String, String>> rafts, Duration timeout, boolean caughtUp)
        throws Exception {
      long t0 = System.nanoTime();
      long deadline = t0 + timeout.toNanos();
      while (true) {
        int groups = 0;
        int led = 0;
        long running = 0;
        long replicas = 0;
        long behind = 0;
        for (ShardedRaft<String, String> raft : rafts) {
          FamilyStatus s;
          try {
            s =
                raft.admin()
                    .status(Duration.ofSeconds(5))
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
          } catch (Exception notYet) {
            groups = -1;
            break;
          }
          for (FamilyStatus.Group g : s.groups()) {
            groups++;
            led += g.leader().isPresent() ? 1 : 0;
            running += g.running();
            replicas += g.replicas().size();
            if (caughtUp && g.leader().isPresent()) {
              long leaderApplied = g.leader().get().status().get().appliedIndex();
              behind +=
                  g.replicas().stream()
                      .filter(
                          r -> r.status().map(st -> st.appliedIndex() < leaderApplied).orElse(true))
                      .count();
            }
          }
        }
        if (groups > 0 && led == groups && running == replicas && behind == 0) {
          System.out.printf(
              "cluster healthy after %d ms: %d groups led, %d replicas running%s%n",
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
              groups,
              running,
              caughtUp ? " and caught up" : "");
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "cluster not healthy after "
                  + timeout
                  + ": "
                  + led
                  + " of "
                  + groups
                  + " groups led, "
                  + running
                  + " of "
                  + replicas
                  + " replicas running, "
                  + behind
                  + " behind their leader");
        }
        Thread.sleep(1_000);
      }
    }

    void e2e(Map<Integer, ShardedRaft<String, String>> rafts, List<NodeProcess> nodes)
        throws Exception {
      for (Map.Entry<Integer, ShardedRaft<String, String>> e : rafts.entrySet()) {
        for (int c : o.clients) {
          markRetries();
          report(
              "e2e",
              e.getKey(),
              c,
              1,
              Load.closed(e.getValue(), c, 1, o.payload, o.warmup, o.measure));
          leaderMeters(nodes);
        }
        markRetries();
        report(
            "e2e_pipelined",
            e.getKey(),
            o.pipelinedClients,
            o.pipelinedWindow,
            Load.closed(
                e.getValue(),
                o.pipelinedClients,
                o.pipelinedWindow,
                o.payload,
                o.warmup,
                o.measure));
        leaderMeters(nodes);
      }
    }

    /**
     * Closed-loop load on every family before anything is measured, in windows of 10 s whose rates
     * are printed, until the rate has stopped rising ({@link WarmUp#stable}) or {@code
     * --jit-warmup} is used up, per family: the node JVMs, this client JVM and the broker are
     * fresh, and until their JIT compilers are done (a minute or more on 2 cores, with five JVMs
     * compiling) a lone client's command took 3-8 times as long as afterwards (see
     * docs/BENCHMARKS.md, "Warm-up"). A service's nodes run warm, so that is what is measured.
     */
    void jitWarmUp(Map<Integer, ShardedRaft<String, String>> rafts) throws Exception {
      if (o.jitWarmup.isZero()) {
        return;
      }
      // The most closed-loop clients of the run: as much work as the cluster takes without
      // pipelined clients' retry storms (see "Figures of one run").
      int warmUpClients = o.clients.stream().mapToInt(Integer::intValue).max().orElse(16);
      for (Map.Entry<Integer, ShardedRaft<String, String>> e : rafts.entrySet()) {
        List<Double> rates = new ArrayList<>();
        long left = o.jitWarmup.toMillis();
        while (left > 0 && !WarmUp.stable(rates)) {
          Duration window = Duration.ofMillis(Math.min(10_000, left));
          left -= window.toMillis();
          rates.add(
              Load.closed(e.getValue(), warmUpClients, 1, o.payload, Duration.ZERO, window)
                  .perSecond());
        }
        StringBuilder shown = new StringBuilder();
        for (double r : rates) {
          shown.append(shown.length() == 0 ? "" : " ").append(Math.round(r));
        }
        System.out.printf(
            "  warm-up (JIT): %d groups, %d closed-loop clients, cmds/s per window: %s (%s)%n",
            e.getKey(),
            warmUpClients,
            shown,
            WarmUp.stable(rates) ? "stopped rising" : "time up, still rising");
      }
    }

    /** Each node's leaders' batches and commit latency so far (what the leader saw). */
    void leaderMeters(List<NodeProcess> nodes) throws InterruptedException {
      for (NodeProcess n : nodes) {
        System.out.println(
            "  node " + n.index + " " + n.ask("meters", "METERS", Duration.ofSeconds(30)));
      }
    }

    /**
     * Balances leaders; a move that did not complete in time (a target not ready yet) is reported,
     * not fatal: the next kill then starts from a less balanced cluster, which the kill line shows.
     */
    static String balanceLeaders(ShardedRaft<String, String> raft) throws InterruptedException {
      try {
        return Integer.toString(
            raft.admin().balanceLeaders(Duration.ofSeconds(30)).toCompletableFuture().get().size());
      } catch (java.util.concurrent.ExecutionException e) {
        return "balancing failed: " + e.getCause();
      }
    }

    /** The client's retries so far, by reason (all families). */
    Map<String, Double> retries() {
      Map<String, Double> byReason = new TreeMap<>();
      for (Counter c : clientMeters.find("shardraft.client.retries").counters()) {
        byReason.merge(c.getId().getTag("reason"), c.count(), Double::sum);
      }
      return byReason;
    }

    void markRetries() {
      retriesAtMark = retries();
    }

    /**
     * {@code reason:count,...} of the retries since {@link #markRetries} (the measured run and its
     * warm-up and drain), or {@code none}.
     */
    String retriesSinceMark() {
      StringBuilder b = new StringBuilder();
      for (Map.Entry<String, Double> e : retries().entrySet()) {
        long n = Math.round(e.getValue() - retriesAtMark.getOrDefault(e.getKey(), 0.0));
        if (n > 0) {
          b.append(b.length() == 0 ? "" : ",").append(e.getKey()).append(':').append(n);
        }
      }
      return b.length() == 0 ? "none" : b.toString();
    }

    void report(String name, int groups, int clients, int window, Load.Result r) {
      System.out.printf(
          "RESULT %s groups=%d clients=%d window=%d cmds_per_s=%.0f %s errors=%d %s retries=%s%s%n",
          name,
          groups,
          clients,
          window,
          r.perSecond(),
          r.latencyFields(),
          r.failed(),
          r.cpu(),
          retriesSinceMark(),
          r.errors().isEmpty() ? "" : " " + r.errors());
      if (r.perSecond() > bestE2e) {
        bestE2e = r.perSecond();
        bestE2eName = name + "/groups=" + groups + "/clients=" + clients + "/window=" + window;
        bestE2eGroups = groups;
      }
    }

    void open(Map<Integer, ShardedRaft<String, String>> rafts) throws Exception {
      int groups = bestE2eName != null ? bestE2eGroups : o.groups.get(o.groups.size() - 1);
      double max = bestE2e;
      if (max <= 0) {
        Load.Result probe =
            Load.closed(
                rafts.get(groups),
                o.pipelinedClients,
                o.pipelinedWindow,
                o.payload,
                o.warmup,
                o.measure);
        max = probe.perSecond();
      }
      for (int pct : new int[] {25, 50, 75}) {
        double rate = max * pct / 100.0;
        markRetries();
        Load.Result r = Load.open(rafts.get(groups), rate, o.payload, o.warmup, o.measure);
        System.out.printf(
            "RESULT open_loop groups=%d offered_pct=%d offered_per_s=%.0f answered_per_s=%.0f %s"
                + " errors=%d %s retries=%s%s%n",
            groups,
            pct,
            rate,
            r.perSecond(),
            r.latencyFields(),
            r.failed(),
            r.cpu(),
            retriesSinceMark(),
            r.errors().isEmpty() ? "" : " " + r.errors());
      }
    }

    /**
     * Load on the failover family for {@code --failover-warmup} before a kill: the node JVMs are
     * fresh (this cluster of its own, a node just restarted), and a service's nodes are warm; a
     * cold JVM's first elections, writer opens and commits are several times slower.
     */
    void warmUp(ShardedRaft<String, String> raft) throws Exception {
      if (o.failoverWarmup.isZero()) {
        return;
      }
      Load.Result r = Load.closed(raft, 16, 1, o.payload, Duration.ZERO, o.failoverWarmup);
      System.out.printf(
          "  warm-up: %.0f cmds/s for %d s, errors=%d%n",
          r.perSecond(), o.failoverWarmup.toSeconds(), r.failed());
    }

    void failover(
        Map<Integer, ShardedRaft<String, String>> rafts,
        List<NodeProcess> nodes,
        String seeds,
        String families)
        throws Exception {
      int groups = failoverGroups();
      ShardedRaft<String, String> raft = rafts.get(groups);
      Map<String, String> keys = FailoverRun.keyPerGroup(raft);
      System.out.println("leadership moves before the first kill: " + balanceLeaders(raft));
      warmUp(raft);
      List<Long> all = new ArrayList<>();
      int lost = 0;
      for (int k = 1; k <= o.kills; k++) {
        FailoverRun.Kill kill =
            FailoverRun.killOnce(raft, nodes, keys, Duration.ofMillis(10), Duration.ofSeconds(20));
        List<Long> times = new ArrayList<>(kill.failoverMs().values());
        times.sort(Long::compare);
        System.out.printf(
            "kill %d: node %d led %d of %d groups; failover ms per group %s%n",
            k, kill.node(), kill.groups().size(), groups, kill.failoverMs());
        for (long t : times) {
          if (t < 0) {
            lost++;
          } else {
            all.add(t);
          }
        }
        NodeProcess dead = nodes.get(kill.node());
        long restart = System.nanoTime();
        nodes.set(kill.node(), startNode(dead.index, dead.port, seeds, families));
        awaitHealthy(rafts.values(), Duration.ofMinutes(5), true);
        long back = System.nanoTime();
        // As an operator would after a node came back: spread the leaders again, so that every
        // kill starts from a balanced cluster (the node killed next leads about a third).
        String moves = balanceLeaders(raft);
        System.out.printf(
            "  node %d back, every replica running and caught up after %d ms; leadership moves:"
                + " %s%n",
            dead.index, TimeUnit.NANOSECONDS.toMillis(back - restart), moves);
        warmUp(raft);
      }
      all.sort(Long::compare);
      if (all.isEmpty()) {
        System.out.printf(
            "RESULT failover kills=%d FAILED: no group answered after a kill%n", o.kills);
        return;
      }
      System.out.printf(
          "RESULT failover kills=%d groups=%d affected_groups=%d min_ms=%d median_ms=%d max_ms=%d"
              + " never_answered=%d attempt_timeout=%s%n",
          o.kills,
          groups,
          all.size() + lost,
          all.get(0),
          all.get(all.size() / 2),
          all.get(all.size() - 1),
          lost,
          o.attemptTimeout);
    }
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
