package dev.shardraft.multijvm.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real packet drops on loopback for network partitions between node JVMs. Every rule lives in a
 * chain of this harness's own ({@code srfaults-<pid>}), jumped to from {@code OUTPUT} for {@code
 * lo} only, and matches only the Artery ports of this harness's nodes (and, for a node's outgoing
 * connections, the node's own group id: each node JVM runs with a group id of its own, so its
 * packets can be told from the others' although all use ephemeral source ports). {@link #heal()}
 * empties the chain; {@link #close()} removes it (also run by a shutdown hook).
 */
public final class Iptables implements AutoCloseable {
  private final String chain = "srfaults-" + ProcessHandle.current().pid();
  private final Thread hook = new Thread(this::removeQuietly, "iptables-cleanup");
  private boolean installed;

  /** Whether {@code iptables} can be run here (root, installed). */
  public static boolean available() {
    try {
      return run(List.of("iptables", "-w", "-L", "OUTPUT", "-n")).isEmpty();
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private synchronized void install() {
    if (installed) {
      return;
    }
    Runtime.getRuntime().addShutdownHook(hook);
    exec("-N", chain);
    exec("-I", "OUTPUT", "-o", "lo", "-j", chain);
    installed = true;
  }

  /**
   * Cuts node {@code isolated} (Artery port {@code port}, group id {@code gid}) off from the nodes
   * on {@code otherPorts}, both ways; its Kafka and HTTP traffic passes.
   */
  public synchronized void isolate(int port, int gid, List<Integer> otherPorts) {
    install();
    String others = otherPorts.stream().map(String::valueOf).collect(Collectors.joining(","));
    exec("-A", chain, "-p", "tcp", "--dport", "" + port, "-j", "DROP");
    exec("-A", chain, "-p", "tcp", "--sport", "" + port, "-j", "DROP");
    dropFrom(gid, others);
  }

  /** Drops what processes of group id {@code gid} send to the comma-separated {@code ports}. */
  private void dropFrom(int gid, String ports) {
    exec(
        "-A",
        chain,
        "-p",
        "tcp",
        "-m",
        "owner",
        "--gid-owner",
        "" + gid,
        "-m",
        "multiport",
        "--dports",
        ports,
        "-j",
        "DROP");
  }

  /**
   * Also cuts the node with group id {@code gid} off from the Kafka brokers on {@code kafkaPorts}.
   */
  public synchronized void cutFromKafka(int gid, List<Integer> kafkaPorts) {
    install();
    String ports = kafkaPorts.stream().map(String::valueOf).collect(Collectors.joining(","));
    dropFrom(gid, ports);
  }

  /** The rules in force, for logs. */
  public synchronized String rules() {
    return installed ? run(List.of("iptables", "-w", "-S", chain)) : "(none)";
  }

  /** Drops every rule (the chain stays until {@link #close()}). */
  public synchronized void heal() {
    if (installed) {
      exec("-F", chain);
    }
  }

  @Override
  public synchronized void close() {
    if (!installed) {
      return;
    }
    exec("-D", "OUTPUT", "-o", "lo", "-j", chain);
    exec("-F", chain);
    exec("-X", chain);
    installed = false;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  private void removeQuietly() {
    if (installed) {
      List<List<String>> steps =
          List.of(
              List.of("iptables", "-w", "-D", "OUTPUT", "-o", "lo", "-j", chain),
              List.of("iptables", "-w", "-F", chain),
              List.of("iptables", "-w", "-X", chain));
      for (List<String> step : steps) {
        try {
          run(step);
        } catch (IllegalStateException e) {
          System.err.println("iptables cleanup: " + e.getMessage());
        }
      }
    }
  }

  private void exec(String... args) {
    List<String> command = new ArrayList<>(List.of("iptables", "-w"));
    command.addAll(List.of(args));
    run(command);
  }

  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return command.contains("-S") ? out : "";
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + " could not run: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }
}
