package dev.shardraft.kafka.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka cluster on this machine: {@code nodes} combined broker+controller KRaft
 * nodes, each a separate JVM started from the broker jars that {@link BrokerClasspath} resolves, on
 * free loopback ports, each in its own directory under one temporary directory.
 *
 * <p>{@link Builder#start()} returns once every node is registered and the cluster accepts a
 * transactional producer. Node {@code i} (0-based) has Kafka {@code node.id} {@code i}. With three
 * or more nodes, internal topics and auto-created topics get replication factor 3 and {@code
 * min.insync.replicas=2}; with fewer, replication factor and min ISR equal the node count (so 1 and
 * 1 for one node). Internal topics have 3 partitions.
 *
 * <p>{@link #close()} kills every node and deletes the directory. It also runs from a shutdown
 * hook, and every node halts by itself when the JVM that started it is gone (even after SIGKILL),
 * so no broker process outlives its owner.
 *
 * <p>Broker logs go to {@code server.log} and {@code console.log} in each node's directory; a node
 * that fails to start is reported with the tail of both.
 */
public final class LocalKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
  private static final String LAUNCHER_CLASS_FILE =
      ParentWatchingMain.class.getName().replace('.', '/') + ".class";
  private static final byte[] LAUNCHER_CLASS_BYTES = readLauncherClass();

  private final Path directory;
  private final List<KafkaNode> nodes;
  private final Duration startTimeout;
  private final Duration stopTimeout;
  private final Thread shutdownHook;
  private volatile BrokerJvm jvm;
  private volatile Duration startupTime = Duration.ZERO;
  private volatile boolean closed;

  private LocalKafka(Builder builder, Path directory, List<KafkaNode> nodes) {
    this.directory = directory;
    this.nodes = List.copyOf(nodes);
    this.startTimeout = builder.startTimeout;
    this.stopTimeout = builder.stopTimeout;
    this.shutdownHook = new Thread(this::destroy, "local-kafka-cleanup");
  }

  /** A builder with one node, a 384 MiB heap per node and the default timeouts. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a cluster of {@code nodes} nodes with the defaults of {@link #builder()}. */
  public static LocalKafka start(int nodes) {
    return builder().nodes(nodes).start();
  }

  /** The client bootstrap servers of every node, comma-separated ({@code 127.0.0.1:port,...}). */
  public String bootstrapServers() {
    return nodes.stream().map(KafkaNode::brokerAddress).collect(Collectors.joining(","));
  }

  /** The number of nodes (running or not). */
  public int size() {
    return nodes.size();
  }

  /** How long {@link Builder#start()} took until the cluster accepted a transactional producer. */
  public Duration startupTime() {
    return startupTime;
  }

  /** The temporary directory that holds every node's config, data and logs. */
  public Path directory() {
    return directory;
  }

  /** The processes of the nodes that are running now. */
  public List<ProcessHandle> processes() {
    return nodes.stream()
        .filter(KafkaNode::isRunning)
        .flatMap(node -> node.processHandle().stream())
        .toList();
  }

  /** Whether node {@code node} (0-based) is running. */
  public boolean isRunning(int node) {
    return node(node).isRunning();
  }

  /** Kills node {@code node} (0-based) with SIGKILL and waits until its process is gone. */
  public synchronized void kill(int node) {
    ensureOpen();
    node(node).kill(KILL_TIMEOUT);
    LOG.info("Killed Kafka node {}", node);
  }

  /**
   * Starts node {@code node} (0-based) again, with its old data and ports (killing it first if it
   * is still running), and waits until it is registered in the cluster again. The other nodes must
   * hold a controller majority for that.
   *
   * @throws LocalKafkaException if it is not back within the start timeout; the message has the
   *     tail of its log
   */
  public synchronized void restart(int node) {
    ensureOpen();
    KafkaNode target = node(node);
    long started = System.nanoTime();
    target.kill(KILL_TIMEOUT);
    target.start(jvm);
    awaitListening(List.of(target), deadlineFrom(started));
    awaitRegistered(deadlineFrom(started));
    LOG.info("Restarted Kafka node {} in {} ms", node, millisSince(started));
  }

  /**
   * Stops every node gracefully (SIGTERM to all at once, as a KRaft quorum must be stopped),
   * killing those still running after the stop timeout. Data and logs stay until {@link #close()}.
   */
  public synchronized void stop() {
    ensureOpen();
    long started = System.nanoTime();
    nodes.forEach(KafkaNode::terminate);
    nodes.forEach(node -> node.awaitStopped(stopTimeout));
    LOG.info("Stopped {} Kafka node(s) in {} ms", nodes.size(), millisSince(started));
  }

  /** Kills every node and deletes the directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    destroy();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      LOG.debug("JVM is shutting down; the cleanup hook runs (or ran) anyway", shuttingDown);
    }
  }

  /** Kills every node and deletes the directory, trying all of it even when a step fails. */
  private void destroy() {
    closed = true;
    nodes.forEach(KafkaNode::terminate);
    LocalKafkaException failure = null;
    for (KafkaNode node : nodes) {
      try {
        node.kill(KILL_TIMEOUT);
      } catch (LocalKafkaException e) {
        failure = addTo(failure, e);
      }
    }
    try {
      deleteRecursively(directory);
    } catch (LocalKafkaException e) {
      failure = addTo(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
    LOG.info("Removed LocalKafka in {}", directory);
  }

  private static LocalKafkaException addTo(LocalKafkaException first, LocalKafkaException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private KafkaNode node(int node) {
    Objects.checkIndex(node, nodes.size());
    return nodes.get(node);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("LocalKafka in " + directory + " is closed");
    }
  }

  private void startCluster(Builder builder) {
    long started = System.nanoTime();
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      jvm = BrokerJvm.current(builder.jvmOptions(), brokerClasspath());
      long resolved = System.nanoTime();
      formatAll(deadlineFrom(started));
      long formatted = System.nanoTime();
      nodes.forEach(node -> node.start(jvm));
      awaitListening(nodes, deadlineFrom(started));
      long listening = System.nanoTime();
      awaitRegistered(deadlineFrom(started));
      awaitTransactionalProducer(deadlineFrom(started));
      startupTime = Duration.ofNanos(System.nanoTime() - started);
      LOG.info(
          "LocalKafka with {} node(s) ready at {} in {} ms (classpath {} ms, format {} ms, "
              + "listeners {} ms, registration + transactional producer {} ms); logs in {}",
          nodes.size(),
          bootstrapServers(),
          startupTime.toMillis(),
          (resolved - started) / 1_000_000,
          (formatted - resolved) / 1_000_000,
          (listening - formatted) / 1_000_000,
          (System.nanoTime() - listening) / 1_000_000,
          directory);
    } catch (RuntimeException e) {
      try {
        close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private List<Path> brokerClasspath() {
    Path launcher = directory.resolve("launcher");
    Path target = launcher.resolve(LAUNCHER_CLASS_FILE);
    try {
      Files.createDirectories(target.getParent());
      Files.write(target, LAUNCHER_CLASS_BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the broker launcher class into " + launcher, e);
    }
    List<Path> classpath = new ArrayList<>();
    classpath.add(launcher);
    classpath.addAll(BrokerClasspath.forBuildVersion());
    return classpath;
  }

  /** Read once, so a later rebuild of the classes directory cannot take it away. */
  private static byte[] readLauncherClass() {
    try (InputStream in = ParentWatchingMain.class.getResourceAsStream("/" + LAUNCHER_CLASS_FILE)) {
      if (in == null) {
        throw new IllegalStateException("Cannot find " + LAUNCHER_CLASS_FILE + " on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + LAUNCHER_CLASS_FILE, e);
    }
  }

  private void formatAll(long deadline) {
    String clusterId = Uuid.randomUuid().toString();
    Map<KafkaNode, Process> formats = new LinkedHashMap<>();
    nodes.forEach(node -> formats.put(node, node.startFormat(jvm, clusterId)));
    for (Map.Entry<KafkaNode, Process> format : formats.entrySet()) {
      KafkaNode node = format.getKey();
      Process process = format.getValue();
      try {
        if (!process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
          process.destroyForcibly();
          throw startFailure(node, "formatting its storage did not finish in time");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalKafkaException("Interrupted while formatting Kafka node " + node.id(), e);
      }
      if (process.exitValue() != 0) {
        throw startFailure(
            node, "formatting its storage failed with exit code " + process.exitValue());
      }
    }
  }

  private void awaitListening(List<KafkaNode> starting, long deadline) {
    for (KafkaNode node : starting) {
      try {
        Await.until(
            "Kafka node " + node.id() + " to accept connections",
            Duration.ofNanos(remaining(deadline)),
            () -> {
              if (!node.isRunning()) {
                throw startFailure(node, "its JVM " + node.exitStatus() + " during start-up");
              }
              return node.acceptsConnections();
            });
      } catch (Await.TimedOutException e) {
        throw startFailure(node, e.getMessage());
      }
    }
  }

  private void awaitRegistered(long deadline) {
    List<Integer> expected =
        nodes.stream().filter(KafkaNode::isRunning).map(KafkaNode::id).sorted().toList();
    List<List<Integer>> lastSeen = new ArrayList<>(List.of(List.of()));
    List<Exception> lastError = new ArrayList<>();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
      Await.until(
          "nodes " + expected + " to be registered",
          Duration.ofNanos(remaining(deadline)),
          () -> {
            try {
              List<Integer> seen =
                  admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                      .map(Node::id)
                      .sorted()
                      .toList();
              lastSeen.set(0, seen);
              return seen.equals(expected);
            } catch (ExecutionException | TimeoutException | KafkaException e) {
              lastError.add(0, e);
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          });
    } catch (Await.TimedOutException e) {
      LocalKafkaException failure =
          new LocalKafkaException(
              e.getMessage()
                  + "; last seen "
                  + lastSeen.get(0)
                  + (lastError.isEmpty() ? "" : "; last error " + lastError.get(0))
                  + "\n"
                  + allLogTails());
      throw failure;
    }
  }

  private void awaitTransactionalProducer(long deadline) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "local-kafka-ready-" + UUID.randomUUID());
    config.put(
        ProducerConfig.MAX_BLOCK_MS_CONFIG,
        (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
    } catch (KafkaException e) {
      throw new LocalKafkaException(
          "The cluster at "
              + bootstrapServers()
              + " does not accept a transactional producer: "
              + e
              + "\n"
              + allLogTails(),
          e);
    }
  }

  private LocalKafkaException startFailure(KafkaNode node, String reason) {
    return new LocalKafkaException(
        "Kafka node " + node.id() + " did not start: " + reason + "\n" + node.logTail());
  }

  private String allLogTails() {
    return nodes.stream()
        .map(node -> "=== node " + node.id() + " ===\n" + node.logTail())
        .collect(Collectors.joining());
  }

  private long deadlineFrom(long startedNanos) {
    return startedNanos + startTimeout.toNanos();
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new LocalKafkaException("Cannot delete " + root, e);
    }
  }

  /** Configures and starts a {@link LocalKafka}. */
  public static final class Builder {

    private static final String PORT_TAKEN = "Address already in use";

    private int nodes = 1;
    private int startAttempts = 3;
    private String heap = "384m";
    private Duration startTimeout = Duration.ofMinutes(3);
    private Duration stopTimeout = Duration.ofSeconds(20);
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private final List<String> extraJvmOptions = new ArrayList<>();

    private Builder() {}

    /** The number of nodes, each a broker and a controller (1 or 3 are the usual). */
    public Builder nodes(int nodes) {
      if (nodes < 1) {
        throw new IllegalArgumentException("nodes must be at least 1, got " + nodes);
      }
      this.nodes = nodes;
      return this;
    }

    /** The maximum heap of each node's JVM, as for {@code -Xmx} (default {@code 384m}). */
    public Builder heap(String heap) {
      if (!heap.matches("\\d+[kKmMgG]?")) {
        throw new IllegalArgumentException("heap must look like 384m or 1g, got '" + heap + "'");
      }
      this.heap = heap;
      return this;
    }

    /** A broker property for every node; overrides LocalKafka's own settings. */
    public Builder brokerProperty(String key, String value) {
      brokerProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /** An extra JVM option for every node's JVM. */
    public Builder jvmOption(String option) {
      extraJvmOptions.add(Objects.requireNonNull(option));
      return this;
    }

    /**
     * How many times {@link #start()} tries, with new ports each time, when another process took a
     * port between the probe and the node's bind (default 3).
     */
    public Builder startAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("startAttempts must be at least 1, got " + attempts);
      }
      this.startAttempts = attempts;
      return this;
    }

    /** How long start-up (and a restart) may take in all (default 3 minutes). */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * How long {@link LocalKafka#stop()} waits for a graceful exit before killing (default 20 s).
     */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * Starts the nodes and waits until the cluster accepts transactional producers. A start that
     * fails because another process took one of the probed free ports in the meantime is retried
     * with new ports, up to {@link #startAttempts(int)} attempts in all.
     *
     * @throws LocalKafkaException if it does not; nothing is left behind then
     */
    public LocalKafka start() {
      for (int attempt = 1; ; attempt++) {
        try {
          return startOnce();
        } catch (LocalKafkaException e) {
          if (!String.valueOf(e.getMessage()).contains(PORT_TAKEN)) {
            throw e;
          }
          if (attempt >= startAttempts) {
            throw new LocalKafkaException(
                e.getMessage() + "\n(gave up after " + attempt + " attempts with new ports)", e);
          }
          LOG.warn(
              "A LocalKafka port was taken before its node could bind it; retrying with new ports "
                  + "(attempt {} of {})",
              attempt + 1,
              startAttempts);
        }
      }
    }

    private LocalKafka startOnce() {
      Path directory;
      try {
        directory = Files.createTempDirectory("shardraft-kafka-");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create a temporary directory for LocalKafka", e);
      }
      List<KafkaNode> created = new ArrayList<>();
      List<Integer> ports = freePorts(2 * nodes);
      for (int id = 0; id < nodes; id++) {
        created.add(
            new KafkaNode(
                id, ports.get(2 * id), ports.get(2 * id + 1), directory.resolve("node-" + id)));
      }
      String voters = created.stream().map(KafkaNode::voter).collect(Collectors.joining(","));
      Map<String, String> clusterProperties = clusterProperties();
      created.forEach(node -> node.writeConfig(voters, clusterProperties));
      LocalKafka kafka = new LocalKafka(this, directory, created);
      kafka.startCluster(this);
      return kafka;
    }

    private Map<String, String> clusterProperties() {
      String replication = Integer.toString(Math.min(3, nodes));
      String minIsr = Integer.toString(nodes >= 3 ? 2 : nodes);
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("num.partitions", "1");
      properties.put("default.replication.factor", replication);
      properties.put("min.insync.replicas", minIsr);
      properties.put("offsets.topic.replication.factor", replication);
      properties.put("offsets.topic.num.partitions", "3");
      properties.put("transaction.state.log.replication.factor", replication);
      properties.put("transaction.state.log.min.isr", minIsr);
      properties.put("transaction.state.log.num.partitions", "3");
      properties.put("share.coordinator.state.topic.replication.factor", replication);
      properties.put("share.coordinator.state.topic.min.isr", minIsr);
      properties.put("group.initial.rebalance.delay.ms", "0");
      properties.put("num.network.threads", "2");
      properties.put("num.io.threads", "4");
      // The log cleaner's dedupe buffer is allocated on the heap: keep it small.
      properties.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
      properties.putAll(brokerProperties);
      return properties;
    }

    private List<String> jvmOptions() {
      List<String> options =
          new ArrayList<>(
              List.of(
                  "-Xmx" + heap,
                  "-Xms64m",
                  "-XX:+UseSerialGC",
                  "-XX:+ExitOnOutOfMemoryError",
                  "-Djava.awt.headless=true"));
      options.addAll(extraJvmOptions);
      return options;
    }

    private static List<Integer> freePorts(int count) {
      List<ServerSocket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < count; i++) {
          sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        }
        return sockets.stream().map(ServerSocket::getLocalPort).toList();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot find " + count + " free loopback ports", e);
      } finally {
        for (ServerSocket socket : sockets) {
          try {
            socket.close();
          } catch (IOException e) {
            LOG.warn("Cannot close probe socket on port {}", socket.getLocalPort(), e);
          }
        }
      }
    }
  }
}
