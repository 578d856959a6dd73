package dev.shardraft.sample.shop.demo;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code OrdersNode} JVM of the demo: started on this JVM's classpath with a small heap, its
 * output in a log file of its own, its settings as {@code SHOP_*} environment variables.
 */
final class NodeJvm {
  static final String MAIN = "dev.shardraft.sample.shop.node.OrdersNode";

  final String name;
  final int httpPort;
  final int arteryPort;
  private final Map<String, String> env;
  private final List<String> args;
  private final Path log;
  private final String heap;
  private Process process;
  private int starts;

  NodeJvm(
      String name,
      int httpPort,
      int arteryPort,
      Map<String, String> env,
      List<String> args,
      Path logDir,
      String heap) {
    this.name = name;
    this.httpPort = httpPort;
    this.arteryPort = arteryPort;
    this.env = env;
    this.args = args;
    this.log = logDir.resolve(name + ".log");
    this.heap = heap;
  }

  /** Starts the JVM (again); its output is appended to {@code <name>.log}. */
  synchronized void start() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(classpath());
    command.add(MAIN);
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    starts++;
    Files.writeString(
        log,
        "---- start " + starts + " of " + name + " ----\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    process = pb.start();
  }

  /** Waits for the node's {@code READY} line of its latest start. */
  void awaitReady(Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    String marker = "READY " + name + " http ";
    while (System.nanoTime() - end < 0) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      int start = text.lastIndexOf("---- start " + starts + " of ");
      if (start >= 0 && text.indexOf(marker, start) >= 0) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + " before it was ready; see " + log);
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL, and waits until the process is gone. */
  synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM (coordinated shutdown), then SIGKILL if it is still running after {@code grace}. */
  synchronized void stop(Duration grace) throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  Path log() {
    return log;
  }

  /**
   * The classpath to start a node with: the class loader's URLs when this runs in a class loader of
   * its own (Maven's {@code exec:java}), else {@code java.class.path}.
   */
  static String classpath() {
    ClassLoader cl = NodeJvm.class.getClassLoader();
    if (cl instanceof URLClassLoader u && u.getURLs().length > 0) {
      List<String> entries = new ArrayList<>();
      for (URL url : u.getURLs()) {
        try {
          entries.add(new File(url.toURI()).getPath());
        } catch (Exception e) {
          throw new IllegalStateException("classpath entry " + url + " is not a file", e);
        }
      }
      return String.join(File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
  }
}
