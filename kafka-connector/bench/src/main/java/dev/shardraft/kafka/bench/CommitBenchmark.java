package dev.shardraft.kafka.bench;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.LocalKafka;
import dev.shardraft.kafka.log.KafkaRaftLog;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ActorSystem;

/**
 * Commit latency and throughput of one Raft group's log writer with group commit: a {@link
 * KafkaRaftLog} writer (one Kafka transaction per batch, acks=all, idempotent) fed the way the
 * leader's Raft core feeds it ({@link CoreBatching}: one append in flight, the next batch of at
 * most {@code --max-batch} entries accumulating), by several concurrent submitters that each keep a
 * window of entries outstanding.
 *
 * <p>Prints, per cluster: p50/p99/max commit latency (submit to "index known after commit") and
 * committed entries per second, with the batch settings. Not a test: run it by hand (see
 * docs/BENCHMARKS.md):
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl kafka-connector/bench exec:java \
 *     -Dexec.args="--nodes 1,3 --entries 30000 --submitters 8 --window 64 --payload 200"
 * </pre>
 *
 * Options: {@code --bootstrap host:port,...} (use an existing cluster instead of LocalKafka),
 * {@code --nodes 1,3}, {@code --entries N}, {@code --warmup N}, {@code --submitters N}, {@code
 * --window N} (outstanding entries per submitter), {@code --payload BYTES}, {@code --max-batch N}
 * (the core's {@code maxBatchSize}), {@code --producer key=value} (a Kafka producer property,
 * repeatable; passes through {@code shardraft.kafka.producer}, so unsafe values are refused as in
 * production).
 */
public final class CommitBenchmark {

  private record Options(
      String bootstrap,
      List<Integer> nodes,
      int entries,
      int warmup,
      int submitters,
      int window,
      int payload,
      int maxBatch,
      Map<String, String> producer) {}

  private record Result(long[] latenciesNanos, long elapsedNanos, int transactions) {}

  private CommitBenchmark() {}

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    System.out.printf(
        Locale.ROOT,
        "CommitBenchmark: %d entries (+%d warm-up), %d submitters x window %d, payload %d B, "
            + "max-batch %d entries, producer overrides %s%n",
        o.entries,
        o.warmup,
        o.submitters,
        o.window,
        o.payload,
        o.maxBatch,
        o.producer);
    ActorSystem system = ActorSystem.create("commit-benchmark");
    try {
      if (o.bootstrap != null) {
        report("given cluster " + o.bootstrap, run(o, o.bootstrap, system));
      } else {
        for (int nodes : o.nodes) {
          try (LocalKafka kafka = LocalKafka.start(nodes)) {
            report(
                nodes
                    + "-node LocalKafka (RF "
                    + (nodes >= 3 ? 3 : 1)
                    + ", min ISR "
                    + (nodes >= 3 ? 2 : 1)
                    + ")",
                run(o, kafka.bootstrapServers(), system));
          }
        }
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Result run(Options o, String bootstrap, ActorSystem system) throws Exception {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(KafkaSettings.PATH + ".bootstrap-servers", bootstrap);
    o.producer.forEach((k, v) -> config.put(KafkaSettings.PATH + ".producer.\"" + k + "\"", v));
    KafkaSettings settings = KafkaSettings.fromConfig(ConfigFactory.parseMap(config));
    String shard = "bench-" + Long.toHexString(System.nanoTime());
    try (TopicAdmin admin = new TopicAdmin(settings)) {
      admin.ensureShardTopics(shard);
    }
    try (KafkaRaftLog log = new KafkaRaftLog(shard, settings, system)) {
      LogWriter writer = log.openWriter(1, "bench").toCompletableFuture().get(60, TimeUnit.SECONDS);
      CountingWriter counting = new CountingWriter(writer);
      try {
        CoreBatching committer = new CoreBatching(counting, o.maxBatch);
        load(committer, o, o.warmup, new long[o.warmup]);
        int before = counting.appends.get();
        long[] latencies = new long[o.entries];
        long started = System.nanoTime();
        load(committer, o, o.entries, latencies);
        long elapsed = System.nanoTime() - started;
        return new Result(latencies, elapsed, counting.appends.get() - before);
      } finally {
        writer.close();
      }
    }
  }

  /** Submits {@code count} entries from {@code o.submitters} threads, recording each latency. */
  private static void load(CoreBatching committer, Options o, int count, long[] latencies)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(count);
    byte[] filled = new byte[o.payload];
    Arrays.fill(filled, (byte) 'p');
    Bytes payload = Bytes.of(filled);
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < o.submitters; s++) {
      String client = "client-" + s;
      Thread t =
          new Thread(
              () -> {
                Semaphore window = new Semaphore(o.window);
                long sequence = 0;
                for (int i = next.getAndIncrement();
                    i < count && failure.get() == null;
                    i = next.getAndIncrement()) {
                  window.acquireUninterruptibly();
                  int slot = i;
                  long submitted = System.nanoTime();
                  CompletionStage<Long> index =
                      committer.submit(
                          new LogEntry(
                              1, "bench", new LogEntry.Command(client, ++sequence, payload)));
                  index.whenComplete(
                      (ix, error) -> {
                        if (error != null) {
                          failure.compareAndSet(null, error);
                        }
                        latencies[slot] = System.nanoTime() - submitted;
                        window.release();
                        done.countDown();
                      });
                }
              },
              "bench-submitter-" + s);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!done.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("entries not committed within 5 minutes");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("an append failed", failure.get());
    }
  }

  private static void report(String cluster, Result r) {
    long[] sorted = r.latenciesNanos.clone();
    Arrays.sort(sorted);
    double seconds = r.elapsedNanos / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%s: %d entries in %.2f s = %.0f entries/s; %d transactions (avg %.1f entries); "
            + "commit latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        cluster,
        sorted.length,
        seconds,
        sorted.length / seconds,
        r.transactions,
        (double) sorted.length / Math.max(1, r.transactions),
        percentile(sorted, 0.50) / 1e6,
        percentile(sorted, 0.99) / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }

  private static long percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static Options parse(String[] args) {
    String bootstrap = null;
    List<Integer> nodes = List.of(1, 3);
    int entries = 30_000;
    int warmup = 3_000;
    int submitters = 8;
    int window = 64;
    int payload = 200;
    int maxBatch = 256;
    Map<String, String> producer = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--bootstrap" -> bootstrap = v;
        case "--nodes" ->
            nodes = Arrays.stream(v.split(",")).map(String::trim).map(Integer::valueOf).toList();
        case "--entries" -> entries = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--submitters" -> submitters = Integer.parseInt(v);
        case "--window" -> window = Integer.parseInt(v);
        case "--payload" -> payload = Integer.parseInt(v);
        case "--max-batch" -> maxBatch = Integer.parseInt(v);
        case "--producer" -> {
          int eq = v.indexOf('=');
          if (eq < 1) {
            throw new IllegalArgumentException("--producer needs key=value, was " + v);
          }
          producer.put(v.substring(0, eq), v.substring(eq + 1));
        }
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + " (see the Javadoc of "
                    + CommitBenchmark.class.getName()
                    + ")");
      }
    }
    return new Options(
        bootstrap, nodes, entries, warmup, submitters, window, payload, maxBatch, producer);
  }

  /** Counts the appends (transactions) that go through. */
  private static final class CountingWriter implements LogWriter {
    private final LogWriter delegate;
    private final AtomicInteger appends = new AtomicInteger();

    CountingWriter(LogWriter delegate) {
      this.delegate = delegate;
    }

    @Override
    public long term() {
      return delegate.term();
    }

    @Override
    public CompletionStage<List<Long>> append(List<LogEntry> batch) {
      appends.incrementAndGet();
      return delegate.append(batch);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
