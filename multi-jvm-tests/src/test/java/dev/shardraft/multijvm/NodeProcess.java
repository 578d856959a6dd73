package dev.shardraft.multijvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * One node JVM started from the test classpath with a small heap. Its standard output and error are
 * collected line by line (and echoed with a name prefix) so tests can wait for what a node says.
 * {@link #close()} kills the process and its descendants; a JVM shutdown hook does the same if a
 * test dies half-way.
 */
public final class NodeProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread hook;
  private final PrintWriter log;

  private NodeProcess(String name, Process process, PrintWriter log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.hook = new Thread(this::kill, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
    Thread reader = new Thread(this::pump, "out-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code mainClass} with {@code args} in a new JVM on this JVM's classpath. */
  public static NodeProcess start(String name, Class<?> mainClass, String... args)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new NodeProcess(name, process, null);
  }

  /**
   * Starts {@code mainClass} like {@link #start}, with {@code jvmOptions} (heap, system
   * properties), run through {@code launcher} (e.g. {@code setpriv ...}; empty for none), its
   * output written to {@code logFile} instead of echoed.
   */
  public static NodeProcess startLogged(
      String name,
      Path logFile,
      List<String> launcher,
      List<String> jvmOptions,
      Class<?> mainClass,
      String... args)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(launcher);
    command.add(java);
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            mainClass.getName()));
    command.addAll(List.of(args));
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    PrintWriter log =
        new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8), true);
    log.println("# " + String.join(" ", command));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new NodeProcess(name, process, log);
  }

  /** The process id (of the JVM: launchers such as {@code setpriv} exec it). */
  public long pid() {
    return process.pid();
  }

  private void pump() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (log != null) {
          log.println(line);
          if (line.startsWith("READY") || line.startsWith("PLANTED")) {
            lines.add(line);
          }
        } else {
          lines.add(line);
          System.out.println("[" + name + "] " + line);
        }
      }
    } catch (IOException e) {
      lines.add("<<output of " + name + " broke off: " + e + ">>");
    } finally {
      if (log != null) {
        log.close();
      }
    }
  }

  /** Waits until a line matching {@code condition} was printed; fails with the node's output. */
  public String awaitLine(Predicate<String> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : lines) {
        if (condition.test(line)) {
          return line;
        }
      }
      if (!process.isAlive() && lines.stream().noneMatch(condition)) {
        throw new AssertionError(
            name
                + " exited with "
                + process.exitValue()
                + " before printing the expected line; output:\n"
                + String.join("\n", lines));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new AssertionError(
        name
            + " did not print the expected line within "
            + timeout
            + "; output:\n"
            + String.join("\n", lines));
  }

  /** Waits for the process to exit and returns its exit code; fails on timeout. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          name + " did not exit within " + timeout + "; output:\n" + String.join("\n", lines));
    }
    return process.exitValue();
  }

  public List<String> output() {
    return List.copyOf(lines);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  private void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
    process.waitFor(10, TimeUnit.SECONDS);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting and the hook runs (or ran) anyway.
    }
  }
}
