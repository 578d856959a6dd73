package dev.shardraft.kafka.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One combined broker+controller KRaft node of a {@link LocalKafka}: its ports, its directory
 * (config, data, logs) and its JVM process. Ports and directory stay the same across restarts.
 */
final class KafkaNode {

  private static final int LOG_TAIL_LINES = 40;
  private static final int MAX_ERROR_LINES = 30;

  private final int id;
  private final int brokerPort;
  private final int controllerPort;
  private final Path dir;
  private volatile Process process;

  KafkaNode(int id, int brokerPort, int controllerPort, Path dir) {
    this.id = id;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.dir = dir;
  }

  int id() {
    return id;
  }

  String brokerAddress() {
    return "127.0.0.1:" + brokerPort;
  }

  String voter() {
    return id + "@127.0.0.1:" + controllerPort;
  }

  /** Writes server.properties and the log4j2 configuration into the node's directory. */
  void writeConfig(String voters, Map<String, String> clusterProperties) {
    Properties config = new Properties();
    config.setProperty("process.roles", "broker,controller");
    config.setProperty("node.id", Integer.toString(id));
    config.setProperty("controller.quorum.voters", voters);
    config.setProperty(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    config.setProperty("advertised.listeners", "PLAINTEXT://" + brokerAddress());
    config.setProperty("controller.listener.names", "CONTROLLER");
    config.setProperty("inter.broker.listener.name", "PLAINTEXT");
    config.setProperty(
        "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    config.setProperty("log.dirs", dir.resolve("data").toString());
    config.putAll(clusterProperties);
    String log4j =
        String.join(
            "\n",
            "status = warn",
            // Without log4j2's shutdown hook, the fatal line of a node that exits is not lost.
            "shutdownHook = disable",
            "appender.file.type = File",
            "appender.file.name = FILE",
            "appender.file.fileName = " + serverLog(),
            "appender.file.append = true",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = [%d] %p [%t] %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = FILE",
            "");
    try {
      Files.createDirectories(dir);
      try (var out = Files.newBufferedWriter(configFile(), StandardCharsets.UTF_8)) {
        config.store(out, "LocalKafka node " + id);
      }
      Files.writeString(log4jFile(), log4j, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the configuration of node " + id + " in " + dir, e);
    }
  }

  /** Starts {@code kafka.tools.StorageTool format}; the caller awaits the returned process. */
  Process startFormat(BrokerJvm jvm, String clusterId) {
    return launch(
        jvm.command(
            "kafka.tools.StorageTool",
            log4jFile(),
            true,
            List.of("format", "-t", clusterId, "-c", configFile().toString())));
  }

  /** Starts the node's JVM ({@code kafka.Kafka server.properties}). */
  void start(BrokerJvm jvm) {
    if (isRunning()) {
      throw new IllegalStateException("Node " + id + " is already running");
    }
    process =
        launch(jvm.command("kafka.Kafka", log4jFile(), false, List.of(configFile().toString())));
  }

  boolean isRunning() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /** A description of how the node's last JVM ended, or that it is running. */
  String exitStatus() {
    Process current = process;
    if (current == null) {
      return "never started";
    }
    return current.isAlive() ? "running" : "exited with code " + current.exitValue();
  }

  Optional<ProcessHandle> processHandle() {
    Process current = process;
    return current == null ? Optional.empty() : Optional.of(current.toHandle());
  }

  /** True once the node's client listener accepts TCP connections. */
  boolean acceptsConnections() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", brokerPort), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Kills the node's JVM and its descendants with SIGKILL and waits until they are gone. */
  void kill(Duration timeout) {
    Process current = process;
    if (current == null) {
      return;
    }
    current.descendants().forEach(ProcessHandle::destroyForcibly);
    current.destroyForcibly();
    awaitExit(current, timeout);
  }

  /** Asks the node's JVM to stop (SIGTERM), without waiting. */
  void terminate() {
    Process current = process;
    if (current != null) {
      current.destroy();
    }
  }

  /** Waits until the node's JVM has exited; kills it if it has not after {@code timeout}. */
  void awaitStopped(Duration timeout) {
    Process current = process;
    if (current == null) {
      return;
    }
    try {
      if (!current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(timeout);
    }
  }

  /**
   * For error messages: the ERROR and FATAL lines of the node's server log (each with the two lines
   * after it, where the exception usually is), then the last lines of the server log and of its
   * console output.
   */
  String logTail() {
    return "--- "
        + serverLog()
        + " (ERROR and FATAL lines) ---\n"
        + errors(serverLog())
        + "--- "
        + serverLog()
        + " (last "
        + LOG_TAIL_LINES
        + " lines) ---\n"
        + tail(serverLog())
        + "--- "
        + consoleLog()
        + " (last "
        + LOG_TAIL_LINES
        + " lines) ---\n"
        + tail(consoleLog());
  }

  private Process launch(List<String> command) {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(consoleLog().toFile()));
    try {
      return builder.start();
    } catch (IOException e) {
      throw new LocalKafkaException("Cannot start a JVM for node " + id + ": " + command, e);
    }
  }

  private static void awaitExit(Process process, Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new LocalKafkaException(
            "Process " + process.pid() + " did not exit within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalKafkaException(
          "Interrupted while waiting for process " + process.pid() + " to exit", e);
    }
  }

  private static String errors(Path file) {
    List<String> lines = readLines(file);
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < lines.size() && errors.size() < MAX_ERROR_LINES; i++) {
      if (lines.get(i).contains("] ERROR [") || lines.get(i).contains("] FATAL [")) {
        errors.addAll(lines.subList(i, Math.min(lines.size(), i + 3)));
        i += 2;
      }
    }
    return errors.isEmpty() ? "(none)\n" : String.join("\n", errors) + "\n";
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException | UncheckedIOException e) {
      return List.of("(cannot read " + file + ": " + e + ")");
    }
  }

  private static String tail(Path file) {
    if (!Files.exists(file)) {
      return "(no such file)\n";
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<String> last =
          new ArrayList<>(lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
      return last.isEmpty() ? "(empty)\n" : String.join("\n", last) + "\n";
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read: " + e + ")\n";
    }
  }

  private Path configFile() {
    return dir.resolve("server.properties");
  }

  private Path log4jFile() {
    return dir.resolve("log4j2.properties");
  }

  private Path serverLog() {
    return dir.resolve("server.log");
  }

  private Path consoleLog() {
    return dir.resolve("console.log");
  }
}
