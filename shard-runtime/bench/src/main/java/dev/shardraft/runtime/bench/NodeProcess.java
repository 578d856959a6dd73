package dev.shardraft.runtime.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@link IdleNode} JVM started by a benchmark: its stdin takes the node's commands, its stdout
 * lines are queued for {@link #ask} and copied to {@code /tmp/bench-node-*.out}, its stderr goes to
 * {@code /tmp/bench-node-*.log}. {@link #kill} is a SIGKILL.
 */
final class NodeProcess implements AutoCloseable {
  private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

  final Process process;
  final int index;
  final int port;
  private final PrintWriter in;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  /** The JVM of a node: {@code java -Xmx<heap> -XX:+UseSerialGC <jvm options> IdleNode <args>}. */
  static NodeProcess start(
      int index, int port, String heap, List<String> jvmOptions, List<String> args)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), IdleNode.class.getName()));
    command.addAll(args);
    return new NodeProcess(index, port, command);
  }

  private NodeProcess(int index, int port, List<String> command) throws IOException {
    this.index = index;
    this.port = port;
    Path log = Files.createTempFile("bench-node-" + index + "-", ".log");
    this.process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    Path out = Path.of(log.toString().replace(".log", ".out"));
    this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader stdout =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  PrintWriter copy =
                      new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
                for (String l = stdout.readLine(); l != null; l = stdout.readLine()) {
                  lines.add(l);
                  copy.println(l);
                  copy.flush();
                }
              } catch (IOException e) {
                lines.add("EOF " + e);
              }
            },
            "bench-node-" + index + "-stdout");
    reader.setDaemon(true);
    reader.start();
    System.out.println(
        "node "
            + index
            + ": pid "
            + process.pid()
            + ", port "
            + port
            + ", stderr in "
            + log
            + ", stdout in "
            + out);
  }

  /**
   * Sends {@code command} (unless null); returns the first line that starts with {@code prefix}.
   */
  String ask(String command, String prefix, Duration timeout) throws InterruptedException {
    if (command != null) {
      in.println(command);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String l = lines.poll(1, TimeUnit.SECONDS);
      if (l == null) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "node "
                  + index
                  + " exited ("
                  + process.exitValue()
                  + ") before answering "
                  + command);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "node " + index + " did not answer " + command + " within " + timeout);
        }
        continue;
      }
      if (l.startsWith(prefix)) {
        return l;
      }
    }
  }

  /** CPU time (user + system) the JVM used so far, in seconds. */
  double cpuSeconds() {
    try {
      return CpuMeter.processTicks(process.pid()) / (double) CLOCK_TICKS;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      in.println("quit");
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The value of {@code key=value} in a line of space-separated pairs. */
  static String value(String line, String key) {
    for (String part : line.split(" ")) {
      if (part.startsWith(key + "=")) {
        return part.substring(key.length() + 1);
      }
    }
    throw new IllegalStateException("no " + key + " in: " + line);
  }
}
