package dev.shardraft.multijvm.harness;

import dev.shardraft.kafka.local.LocalKafka;
import dev.shardraft.multijvm.NodeProcess;
import dev.shardraft.multijvm.check.HistoryChecks.ReplicaDigest;
import dev.shardraft.multijvm.node.FaultNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N {@link FaultNode} JVMs (real processes, small heaps) on a shared {@link LocalKafka}, one family
 * of groups, and the faults a nemesis injects into them: SIGKILL and restart, SIGSTOP/SIGCONT,
 * partitions by {@link Iptables}. Nodes keep their ports across restarts. Each incarnation's output
 * goes to {@code target/node-logs/<test>/<node>-<n>.log}. {@link #close()} kills every node and
 * removes every rule, on success and failure alike.
 */
public final class FaultCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FaultCluster.class);

  private final String test;
  private final LocalKafka kafka;
  private final String family;
  private final int groups;
  private final List<Slot> slots = new ArrayList<>();
  private final NodeClient client = new NodeClient();
  private final Iptables iptables = new Iptables();
  private final String plant;

  /** One node's place: its ports, group id and current process. */
  private static final class Slot {
    final String name;
    final int arteryPort;
    final int httpPort;
    final int gid;
    int incarnation;
    NodeProcess process;
    boolean paused;
    boolean retired;

    Slot(String name, int arteryPort, int httpPort, int gid) {
      this.name = name;
      this.arteryPort = arteryPort;
      this.httpPort = httpPort;
      this.gid = gid;
    }
  }

  public FaultCluster(String test, LocalKafka kafka, String family, int groups, String plant) {
    this.test = test;
    this.kafka = kafka;
    this.family = family;
    this.groups = groups;
    this.plant = plant;
  }

  public int groups() {
    return groups;
  }

  public String family() {
    return family;
  }

  public int size() {
    return slots.size();
  }

  public LocalKafka kafka() {
    return kafka;
  }

  /** Adds a node (not started) and returns its index. */
  public int addNode() throws IOException {
    int i = slots.size();
    int gid = 50_000 + (int) (ProcessHandle.current().pid() % 1000) * 10 + i;
    slots.add(new Slot("n" + (i + 1), freePort(), freePort(), gid));
    return i;
  }

  /** Starts {@code n} nodes. */
  public void startNodes(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      start(addNode());
    }
  }

  /** Starts node {@code i} (a new incarnation on the same ports). */
  public synchronized void start(int i) throws IOException {
    Slot s = slots.get(i);
    if (s.process != null && s.process.isAlive()) {
      throw new IllegalStateException(s.name + " is running");
    }
    s.incarnation++;
    String seeds = String.join(",", slots.stream().limit(3).map(x -> "" + x.arteryPort).toList());
    List<String> jvm = new ArrayList<>(List.of("-Xmx320m"));
    if (!plant.isEmpty()) {
      jvm.add("-Dfaultnode.plant=" + plant);
    }
    s.process =
        NodeProcess.startLogged(
            s.name,
            Path.of("target", "node-logs", test, s.name + "-" + s.incarnation + ".log"),
            List.of("setpriv", "--regid", "" + s.gid, "--clear-groups"),
            jvm,
            FaultNode.class,
            s.name,
            "" + s.arteryPort,
            "" + s.httpPort,
            seeds,
            kafka.bootstrapServers(),
            family,
            "" + groups);
    s.paused = false;
    LOG.info(
        "{}: started {} (incarnation {}, pid {})", test, s.name, s.incarnation, s.process.pid());
  }

  /** SIGKILL of node {@code i}'s JVM; waits until it is gone. */
  public synchronized void kill(int i) throws InterruptedException {
    Slot s = slots.get(i);
    if (s.process != null) {
      s.process.close();
      LOG.info("{}: killed {} with SIGKILL", test, s.name);
    }
    s.paused = false;
  }

  /**
   * SIGTERM to node {@code i}: it leaves the cluster gracefully (coordinated shutdown: its replicas
   * are handed off) and exits; it is not restarted by {@link #restartExited()}. Waits until it
   * exited.
   */
  public void leave(int i, Duration timeout) throws InterruptedException {
    Slot s;
    synchronized (this) {
      s = slots.get(i);
      s.retired = true;
      signal(i, "TERM");
    }
    int code = s.process.awaitExit(timeout);
    LOG.info("{}: {} left and exited with {}", test, s.name, code);
  }

  public synchronized void pause(int i) {
    signal(i, "STOP");
    slots.get(i).paused = true;
  }

  public synchronized void resume(int i) {
    signal(i, "CONT");
    slots.get(i).paused = false;
  }

  private void signal(int i, String signal) {
    Slot s = slots.get(i);
    try {
      Process p = new ProcessBuilder("kill", "-" + signal, "" + s.process.pid()).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + s.process.pid() + " failed");
      }
      LOG.info("{}: SIG{} to {} (pid {})", test, signal, s.name, s.process.pid());
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + signal + " could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Cuts node {@code i} off from every other node (Kafka and the harness still reach it). */
  public synchronized void isolate(int i) {
    Slot s = slots.get(i);
    List<Integer> others = slots.stream().filter(x -> x != s).map(x -> x.arteryPort).toList();
    iptables.isolate(s.arteryPort, s.gid, others);
    LOG.info("{}: isolated {}; rules:\n{}", test, s.name, iptables.rules());
  }

  /** Cuts node {@code i} off from every other node and from every Kafka broker. */
  public synchronized void isolateFully(int i) {
    Slot s = slots.get(i);
    List<Integer> others = slots.stream().filter(x -> x != s).map(x -> x.arteryPort).toList();
    iptables.isolate(s.arteryPort, s.gid, others);
    List<Integer> brokers =
        java.util.Arrays.stream(kafka.bootstrapServers().split(","))
            .map(hp -> Integer.parseInt(hp.substring(hp.lastIndexOf(':') + 1)))
            .toList();
    iptables.cutFromKafka(s.gid, brokers);
    LOG.info("{}: isolated {} from nodes and Kafka; rules:\n{}", test, s.name, iptables.rules());
  }

  /** A running node that leads no group, if any (else the one leading fewest). */
  public int nodeLeadingFewest() {
    Map<Integer, Integer> count = new HashMap<>();
    running().forEach(n -> count.put(n, 0));
    statuses(running())
        .forEach(
            (node, rs) ->
                rs.forEach(
                    r -> {
                      if (Boolean.TRUE.equals(r.get("readyLeader"))) {
                        count.merge(node, 1, Integer::sum);
                      }
                    }));
    return count.entrySet().stream()
        .min(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElseThrow(() -> new AssertionError(test + ": no node runs"));
  }

  public synchronized void heal() {
    iptables.heal();
    LOG.info("{}: partition healed", test);
  }

  public synchronized boolean isAlive(int i) {
    Slot s = slots.get(i);
    return s.process != null && s.process.isAlive();
  }

  /** HTTP ports of the nodes that run and are not paused (clients may still hit a paused one). */
  public synchronized List<Integer> httpPorts() {
    List<Integer> ports = new ArrayList<>();
    for (Slot s : slots) {
      if (s.process != null && s.process.isAlive()) {
        ports.add(s.httpPort);
      }
    }
    return ports;
  }

  public String name(int i) {
    return slots.get(i).name;
  }

  /** Restarts every node whose JVM exited (downed by the split brain resolver, or killed). */
  public synchronized List<String> restartExited() throws IOException {
    List<String> restarted = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      Slot s = slots.get(i);
      if (s.process != null && !s.process.isAlive() && !s.retired) {
        start(i);
        restarted.add(s.name);
      }
    }
    return restarted;
  }

  /** The replicas' statuses of each node that answers its {@code /status}; others are left out. */
  @SuppressWarnings("unchecked")
  public Map<Integer, List<Map<String, Object>>> statuses(List<Integer> nodes) {
    Map<Integer, List<Map<String, Object>>> out = new TreeMap<>();
    for (int i : nodes) {
      try {
        out.put(
            i, (List<Map<String, Object>>) client.status(slots.get(i).httpPort).get("replicas"));
      } catch (IOException | RuntimeException e) {
        // not answering (starting, stopped, exiting): left out
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  private List<Integer> running() {
    List<Integer> nodes = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      if (isAlive(i) && !slots.get(i).paused) {
        nodes.add(i);
      }
    }
    return nodes;
  }

  /**
   * Waits until every group has all its replicas running on the nodes now up and exactly one ready
   * leader; returns the node index of each group's leader.
   */
  public Map<String, Integer> awaitHealthy(Duration timeout) {
    return awaitLeaders(null, 3, timeout);
  }

  /**
   * Waits until the running nodes other than {@code excluded} host at least two replicas of every
   * group and exactly one ready leader of each (they do without it).
   */
  public Map<String, Integer> awaitHealthyWithout(int excluded, Duration timeout) {
    List<Integer> others = new ArrayList<>(running());
    others.remove(Integer.valueOf(excluded));
    return awaitLeaders(others, 2, timeout);
  }

  /** Waits until node {@code i} runs at least one replica. */
  public void awaitHosting(int i, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!statuses(List.of(i)).getOrDefault(i, List.of()).isEmpty()) {
        LOG.info("{}: {} hosts replicas", test, slots.get(i).name);
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
    throw new AssertionError(
        test + ": " + slots.get(i).name + " hosts no replica after " + timeout);
  }

  /** {@code fixed}: the nodes to ask; null: the running ones, restarting those that exited. */
  private Map<String, Integer> awaitLeaders(
      List<Integer> fixed, int minReplicas, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "nothing yet";
    List<Integer> nodes = fixed;
    while (System.nanoTime() < deadline) {
      if (fixed == null) {
        try {
          List<String> restarted = restartExited();
          if (!restarted.isEmpty()) {
            LOG.info("{}: restarted exited nodes {}", test, restarted);
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(test + ": cannot restart a node", e);
        }
        nodes = running();
      }
      Map<Integer, List<Map<String, Object>>> st = statuses(nodes);
      Map<String, Integer> leaders = new TreeMap<>();
      Map<String, Integer> replicas = new HashMap<>();
      Map<String, Integer> leaderCount = new HashMap<>();
      st.forEach(
          (node, rs) ->
              rs.forEach(
                  r -> {
                    String group = ((String) r.get("id")).split("/")[0];
                    if (r.containsKey("role")) {
                      replicas.merge(group, 1, Integer::sum);
                    }
                    if (Boolean.TRUE.equals(r.get("readyLeader"))) {
                      leaders.put(group, node);
                      leaderCount.merge(group, 1, Integer::sum);
                    }
                  }));
      boolean healthy = leaders.size() == groups && st.keySet().containsAll(nodes);
      for (int g = 0; g < groups && healthy; g++) {
        String group = family + "-" + g;
        healthy =
            replicas.getOrDefault(group, 0) >= minReplicas
                && leaderCount.getOrDefault(group, 0) == 1;
      }
      if (healthy) {
        return leaders;
      }
      last =
          "nodes answering "
              + st.keySet()
              + " of "
              + nodes
              + ", replicas per group "
              + replicas
              + ", ready leaders "
              + leaderCount;
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
    throw new AssertionError(
        test
            + ": nodes "
            + nodes
            + " were not healthy within "
            + timeout
            + ": "
            + last
            + " (logs in target/node-logs/"
            + test
            + ")");
  }

  /** The running node that leads the most groups, by the nodes' statuses. */
  public int nodeLeadingMost() {
    // On a loaded machine a status ask can time out: ask again for a while before giving up.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Map<Integer, Integer> count = new HashMap<>();
      statuses(running())
          .forEach(
              (node, rs) ->
                  rs.forEach(
                      r -> {
                        if (Boolean.TRUE.equals(r.get("readyLeader"))) {
                          count.merge(node, 1, Integer::sum);
                        }
                      }));
      Optional<Integer> most =
          count.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
      if (most.isPresent()) {
        return most.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(test + ": no node leads a group (for 30 s)");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
  }

  /**
   * The replicas node {@code i} runs as ready leaders, with their terms, by its status (empty when
   * it does not answer).
   */
  public Map<String, Long> leadersOn(int i) {
    Map<String, Long> out = new TreeMap<>();
    statuses(List.of(i))
        .getOrDefault(i, List.of())
        .forEach(
            r -> {
              if (Boolean.TRUE.equals(r.get("readyLeader"))) {
                out.put((String) r.get("id"), ((Number) r.get("term")).longValue());
              }
            });
    return out;
  }

  /** Every {@code KvMachine} instance's applied index and digest, from every running node. */
  public List<ReplicaDigest> digests() {
    List<ReplicaDigest> out = new ArrayList<>();
    for (int i : running()) {
      try {
        for (Map<String, Object> d : client.digests(slots.get(i).httpPort)) {
          out.add(
              new ReplicaDigest(
                  (String) d.get("group"),
                  (String) d.get("replica"),
                  ((Number) d.get("appliedIndex")).longValue(),
                  (String) d.get("digest")));
        }
      } catch (IOException e) {
        throw new AssertionError(test + ": " + slots.get(i).name + " gave no digests: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  public NodeClient client() {
    return client;
  }

  /** The log file of node {@code i}'s current incarnation, for messages. */
  public Optional<String> logOf(int i) {
    Slot s = slots.get(i);
    return Optional.of("target/node-logs/" + test + "/" + s.name + "-" + s.incarnation + ".log");
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    try {
      iptables.close();
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Slot s : slots) {
      if (s.process != null) {
        try {
          s.process.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    LOG.info("{}: every node stopped", test);
    if (failure != null) {
      throw failure;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
