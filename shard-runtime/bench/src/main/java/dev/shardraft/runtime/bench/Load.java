package dev.shardraft.runtime.bench;

import dev.shardraft.runtime.ShardedRaft;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Client load on one family through {@link ShardedRaft#ask}, from one client JVM, never a thread
 * per call: each logical client is a chain of asks, the next one sent from the completion of the
 * previous one.
 *
 * <ul>
 *   <li>{@link #closed}: {@code clients} clients each keeping {@code window} asks outstanding
 *       (window 1 is the closed loop of Raft library benchmarks; more is a pipelined client);
 *   <li>{@link #open}: a fixed offered rate, latency measured from each ask's <em>intended</em>
 *       send time, so a stall shows as latency instead of vanishing (coordinated omission
 *       corrected).
 * </ul>
 *
 * Commands are {@code payload} bytes to keys spread uniformly over the family's groups.
 */
final class Load {
  private Load() {}

  /**
   * What one load run measured. Latencies in microseconds; {@code cpu}: the CPU used while
   * measuring ({@link CpuMeter#fields}).
   */
  record Result(
      long answered,
      long failed,
      double seconds,
      Histogram latency,
      Map<String, Long> errors,
      String cpu) {
    double perSecond() {
      return answered / seconds;
    }

    String latencyFields() {
      return String.format(
          "p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f",
          latency.getValueAtPercentile(50) / 1000.0,
          latency.getValueAtPercentile(99) / 1000.0,
          latency.getValueAtPercentile(99.9) / 1000.0,
          latency.getMaxValue() / 1000.0);
    }
  }

  private static final class Run {
    final ShardedRaft<String, String> raft;
    final String command;
    final Duration timeout;
    final AtomicBoolean measuring = new AtomicBoolean();
    final AtomicBoolean stopped = new AtomicBoolean();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong outstanding = new AtomicLong();
    final Histogram latency = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(5), 3);
    final Map<String, Long> errors = new TreeMap<>();

    Run(ShardedRaft<String, String> raft, int payload, Duration timeout) {
      this.raft = raft;
      this.command = "x".repeat(payload);
      this.timeout = timeout;
    }

    CompletionStage<String> send() {
      outstanding.incrementAndGet();
      String key = "k" + ThreadLocalRandom.current().nextInt(1_000_000);
      return raft.ask(key, command, timeout);
    }

    /** Records one finished ask that was (meant to be) sent at {@code startNs}. */
    void finished(long startNs, Throwable error, boolean measured) {
      outstanding.decrementAndGet();
      if (!measured || !measuring.get()) {
        return;
      }
      if (error == null) {
        answered.incrementAndGet();
        latency.recordValue(
            Math.max(0, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNs)));
      } else {
        failed.incrementAndGet();
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        synchronized (errors) {
          errors.merge(cause.getClass().getSimpleName(), 1L, Long::sum);
        }
      }
    }

    Result measure(Duration warmup, Duration measure) throws InterruptedException {
      Thread.sleep(warmup.toMillis());
      CpuMeter.Snapshot cpu0 = CpuMeter.take();
      measuring.set(true);
      long t0 = System.nanoTime();
      Thread.sleep(measure.toMillis());
      measuring.set(false);
      double seconds = (System.nanoTime() - t0) / 1e9;
      CpuMeter.Snapshot cpu1 = CpuMeter.take();
      stopped.set(true);
      long drainDeadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
      while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
        Thread.sleep(10);
      }
      synchronized (errors) {
        return new Result(
            answered.get(),
            failed.get(),
            seconds,
            latency.copy(),
            new TreeMap<>(errors),
            CpuMeter.fields(cpu0, cpu1, answered.get()));
      }
    }
  }

  /** {@code clients} x {@code window} asks outstanding, for warm-up then measure. */
  static Result closed(
      ShardedRaft<String, String> raft,
      int clients,
      int window,
      int payload,
      Duration warmup,
      Duration measure)
      throws InterruptedException {
    Run run = new Run(raft, payload, Duration.ofSeconds(10));
    for (int i = 0; i < clients * window; i++) {
      next(run);
    }
    return run.measure(warmup, measure);
  }

  private static void next(Run run) {
    if (run.stopped.get()) {
      return;
    }
    long start = System.nanoTime();
    boolean measured = run.measuring.get();
    CompletionStage<String> ask = run.send();
    java.util.function.BiConsumer<String, Throwable> done =
        (reply, error) -> {
          run.finished(start, error, measured);
          next(run);
        };
    if (ask.toCompletableFuture().isDone()) {
      // Answered at once (a client-side refusal): continue on another thread, not deeper in this
      // stack.
      ask.whenCompleteAsync(done);
    } else {
      ask.whenComplete(done);
    }
  }

  /**
   * {@code rate} asks per second for warm-up then measure, each latency from its intended send
   * time.
   */
  static Result open(
      ShardedRaft<String, String> raft, double rate, int payload, Duration warmup, Duration measure)
      throws InterruptedException {
    Run run = new Run(raft, payload, Duration.ofSeconds(10));
    Thread sender =
        new Thread(
            () -> {
              long t0 = System.nanoTime();
              double intervalNs = 1e9 / rate;
              for (long i = 0; !run.stopped.get(); i++) {
                long intended = t0 + (long) (i * intervalNs);
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                  LockSupport.parkNanos(wait);
                }
                boolean measured = run.measuring.get();
                run.send().whenComplete((reply, error) -> run.finished(intended, error, measured));
              }
            },
            "open-loop-sender");
    sender.setDaemon(true);
    sender.start();
    Result r = run.measure(warmup, measure);
    sender.join(10_000);
    return r;
  }
}
