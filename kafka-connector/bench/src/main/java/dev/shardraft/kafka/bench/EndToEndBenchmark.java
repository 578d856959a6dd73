package dev.shardraft.kafka.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.LocalKafka;
import dev.shardraft.kafka.log.KafkaRaftLog;
import dev.shardraft.kafka.meta.KafkaMetaStore;
import dev.shardraft.kafka.snapshot.KafkaSnapshotStore;
import dev.shardraft.raft.actor.PeerRegistry;
import dev.shardraft.raft.actor.RaftReplica;
import dev.shardraft.raft.actor.ReplicaPorts;
import dev.shardraft.raft.actor.ReplicaProtocol;
import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.actor.ReplicaProtocol.GetStatus;
import dev.shardraft.raft.actor.ReplicaProtocol.Retry;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaProtocol.Submit;
import dev.shardraft.raft.actor.ReplicaProtocol.SubmitReply;
import dev.shardraft.raft.actor.ReplicaSettings;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.QueryableStateMachine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * End to end through the replica actors: one Raft group of three {@link RaftReplica} actors in this
 * JVM (each with its own {@link KafkaRaftLog}, {@link KafkaMetaStore} and {@link
 * KafkaSnapshotStore}, as on a node of its own; peers through a {@link PeerRegistry}) on a
 * LocalKafka (or a given cluster), and {@code C} client threads that each keep exactly one command
 * outstanding (closed loop, legacy protocol: one {@code (clientId, sequence)} at a time, a {@code
 * Retry} is followed to its leader hint with the same sequence). A command's latency is from its
 * first {@code Submit} to its {@code Applied} answer: committed in a Kafka transaction, read back
 * from the leader's read_committed tail, applied, answered.
 *
 * <p>Prints per client count one line {@code RESULT e2e groups=1 clients=C cmds_per_s=...
 * p50_ms=... p99_ms=... max_ms=... retries=...}. The state machine does nothing (it counts), so the
 * figures are the runtime's cost. Run it by hand (docs/BENCHMARKS.md):
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl kafka-connector/bench exec:java \
 *     -Dexec.mainClass=dev.shardraft.kafka.bench.EndToEndBenchmark \
 *     -Dexec.args="--clients 1,16,128 --seconds 10 --warmup 5"
 * </pre>
 *
 * Options: {@code --bootstrap host:port,...} (an existing cluster instead of LocalKafka), {@code
 * --nodes N} (LocalKafka size, default 1), {@code --clients 1,16,128}, {@code --seconds S}
 * (measured per client count), {@code --warmup S} (before each client count), {@code --payload
 * BYTES}, {@code --producer key=value} (a Kafka producer property, repeatable, through {@code
 * shardraft.kafka.producer}), {@code --broker key=value} (a LocalKafka broker property,
 * repeatable), {@code --broker-logs DIR} (copy the brokers' {@code server.log} there before the
 * LocalKafka is removed), {@code --request-log} (sets the brokers' {@code kafka.request.logger} to
 * DEBUG, so every request's time is in {@code server.log}). Replica settings come from {@code
 * -Dshardraft.replica.*} system properties (e.g. {@code -Dshardraft.replica.max-batch-size=512}).
 */
public final class EndToEndBenchmark {

  private static final List<String> MEMBERS = List.of("r1", "r2", "r3");
  private static final Duration ASK = Duration.ofSeconds(10);

  private record Options(
      String bootstrap,
      int nodes,
      List<Integer> clients,
      int seconds,
      int warmup,
      int payload,
      Map<String, String> producer,
      Map<String, String> broker,
      Path brokerLogs,
      boolean requestLog) {}

  private EndToEndBenchmark() {}

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    System.out.printf(
        Locale.ROOT,
        "EndToEndBenchmark: 1 group x 3 replicas, clients %s, %d s (+%d s warm-up) each, payload %d"
            + " B, producer overrides %s, broker overrides %s%n",
        o.clients,
        o.seconds,
        o.warmup,
        o.payload,
        o.producer,
        o.broker);
    if (o.bootstrap != null) {
      run(o, o.bootstrap);
      return;
    }
    LocalKafka.Builder builder = LocalKafka.builder().nodes(o.nodes);
    o.broker.forEach(builder::brokerProperty);
    try (LocalKafka kafka = builder.start()) {
      try {
        run(o, kafka.bootstrapServers());
      } finally {
        if (o.brokerLogs != null) {
          copyBrokerLogs(kafka.directory(), o.brokerLogs);
        }
      }
    }
  }

  private static void run(Options o, String bootstrap) throws Exception {
    if (o.requestLog) {
      requestLogAtDebug(bootstrap);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(KafkaSettings.PATH + ".bootstrap-servers", bootstrap);
    o.producer.forEach((k, v) -> config.put(KafkaSettings.PATH + ".producer.\"" + k + "\"", v));
    KafkaSettings kafka = KafkaSettings.fromConfig(ConfigFactory.parseMap(config));
    String shard = "e2e-" + Long.toHexString(System.nanoTime());
    try (TopicAdmin admin = new TopicAdmin(kafka)) {
      admin.ensureShardTopics(shard);
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "e2e-benchmark");
    List<AutoCloseable> closeables = new ArrayList<>();
    try {
      Config root = ConfigFactory.load();
      PeerRegistry peers = new PeerRegistry();
      Map<String, ActorRef<ReplicaProtocol.Command>> refs = new LinkedHashMap<>();
      for (String id : MEMBERS) {
        KafkaRaftLog log = new KafkaRaftLog(shard, kafka, system);
        KafkaMetaStore meta = new KafkaMetaStore(kafka);
        KafkaSnapshotStore snapshots = new KafkaSnapshotStore(kafka);
        closeables.add(snapshots);
        closeables.add(meta);
        closeables.add(log);
        ReplicaPorts ports =
            new ReplicaPorts(log, meta, snapshots, peers, ReplicaPorts.monotonicClock());
        ReplicaSettings settings = ReplicaSettings.fromConfig(root, shard, id, MEMBERS);
        ActorRef<ReplicaProtocol.Command> ref =
            system.systemActorOf(
                RaftReplica.create(settings, ports, CountingMachine::new), id, Props.empty());
        peers.register(id, ref);
        refs.put(id, ref);
      }
      String leader = awaitLeader(system, refs, Duration.ofSeconds(60));
      System.out.printf(
          Locale.ROOT,
          "group %s ready, leader %s, max-batch-size %d%n",
          shard,
          leader,
          ReplicaSettings.fromConfig(root, shard, leader, MEMBERS).raftConfig().maxBatchSize());
      byte[] filled = new byte[o.payload];
      Arrays.fill(filled, (byte) 'p');
      Bytes payload = Bytes.of(filled);
      AtomicReference<String> leaderHint = new AtomicReference<>(leader);
      for (int c : o.clients) {
        String run = "c" + c + "-" + Long.toHexString(System.nanoTime());
        if (o.warmup > 0) {
          load(system, refs, leaderHint, payload, c, o.warmup, run + "-w");
        }
        Load m = load(system, refs, leaderHint, payload, c, o.seconds, run);
        long[] sorted = m.latencies();
        Arrays.sort(sorted);
        double seconds = m.elapsedNanos() / 1e9;
        System.out.printf(
            Locale.ROOT,
            "RESULT e2e groups=1 clients=%d cmds_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
                + " commands=%d retries=%d retry_reasons=%s%n",
            c,
            sorted.length / seconds,
            percentile(sorted, 0.50) / 1e6,
            percentile(sorted, 0.99) / 1e6,
            sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
            sorted.length,
            m.retries().values().stream().mapToLong(LongAdder::sum).sum(),
            m.retries());
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (AutoCloseable c : closeables) {
        c.close();
      }
    }
  }

  private record Load(long[] latencies, long elapsedNanos, Map<String, LongAdder> retries) {}

  /** {@code clients} threads, one command outstanding each, for {@code seconds}. */
  private static Load load(
      ActorSystem<Void> system,
      Map<String, ActorRef<ReplicaProtocol.Command>> refs,
      AtomicReference<String> leaderHint,
      Bytes payload,
      int clients,
      int seconds,
      String run)
      throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Map<String, LongAdder> retries = new ConcurrentHashMap<>();
    long[][] perThread = new long[clients][];
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int slot = i;
      String clientId = run + "-" + i;
      Thread t =
          new Thread(
              () -> {
                try {
                  long[] lat = new long[1024];
                  int n = 0;
                  long seq = 0;
                  while (System.nanoTime() < deadline && failure.get() == null) {
                    seq++;
                    long t0 = System.nanoTime();
                    submitUntilApplied(system, refs, leaderHint, clientId, seq, payload, retries);
                    if (n == lat.length) {
                      lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = System.nanoTime() - t0;
                  }
                  perThread[slot] = Arrays.copyOf(lat, n);
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "e2e-client-" + i);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    long elapsed = System.nanoTime() - started;
    if (failure.get() != null) {
      throw new IllegalStateException("a client failed", failure.get());
    }
    long[] all = Arrays.stream(perThread).flatMapToLong(Arrays::stream).toArray();
    return new Load(all, elapsed, retries);
  }

  private static void submitUntilApplied(
      ActorSystem<Void> system,
      Map<String, ActorRef<ReplicaProtocol.Command>> refs,
      AtomicReference<String> leaderHint,
      String clientId,
      long seq,
      Bytes payload,
      Map<String, LongAdder> retries)
      throws InterruptedException, ExecutionException {
    for (int attempt = 0; attempt < 1000; attempt++) {
      String target = leaderHint.get();
      SubmitReply reply;
      try {
        reply =
            AskPattern.<ReplicaProtocol.Command, SubmitReply>ask(
                    refs.get(target),
                    replyTo -> new Submit(clientId, seq, payload, replyTo),
                    ASK,
                    system.scheduler())
                .toCompletableFuture()
                .get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TimeoutException) {
          retries.computeIfAbsent("ASK_TIMEOUT", k -> new LongAdder()).increment();
          leaderHint.compareAndSet(target, next(target));
          continue;
        }
        throw e;
      }
      if (reply instanceof Applied) {
        return;
      }
      if (reply instanceof Retry r) {
        retries.computeIfAbsent(r.reason().name(), k -> new LongAdder()).increment();
        Optional<String> hint = r.leaderHint().filter(refs::containsKey);
        if (hint.isPresent() && !hint.get().equals(target)) {
          leaderHint.compareAndSet(target, hint.get());
        } else if (hint.isEmpty()) {
          leaderHint.compareAndSet(target, next(target));
          Thread.sleep(5);
        }
        continue;
      }
      throw new IllegalStateException(clientId + "/" + seq + " answered " + reply);
    }
    throw new IllegalStateException(clientId + "/" + seq + " not applied after 1000 attempts");
  }

  private static String next(String id) {
    return MEMBERS.get((MEMBERS.indexOf(id) + 1) % MEMBERS.size());
  }

  private static String awaitLeader(
      ActorSystem<Void> system, Map<String, ActorRef<ReplicaProtocol.Command>> refs, Duration max)
      throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    List<Status> last = List.of();
    while (System.nanoTime() < deadline) {
      List<Status> statuses = new ArrayList<>();
      for (ActorRef<ReplicaProtocol.Command> ref : refs.values()) {
        statuses.add(
            AskPattern.<ReplicaProtocol.Command, Status>ask(
                    ref, GetStatus::new, ASK, system.scheduler())
                .toCompletableFuture()
                .get());
      }
      last = statuses;
      List<Status> leaders = statuses.stream().filter(Status::isReadyLeader).toList();
      if (leaders.size() == 1) {
        Status l = leaders.get(0);
        if (statuses.stream().allMatch(s -> s.leader().equals(Optional.of(l.replica())))) {
          return l.replica();
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no ready leader within " + max + ": " + last);
  }

  /** Sets {@code kafka.request.logger} to DEBUG on every broker (a dynamic broker logger). */
  private static void requestLogAtDebug(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      for (var node : admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)) {
        ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER_LOGGER, node.idString());
        admin
            .incrementalAlterConfigs(
                Map.of(
                    r,
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry("kafka.request.logger", "DEBUG"),
                            AlterConfigOp.OpType.SET))))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static void copyBrokerLogs(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
        if (p.getParent().getFileName().toString().startsWith("node-")) {
          Files.copy(
              p,
              to.resolve(p.getParent().getFileName() + "-" + p.getFileName()),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    System.out.println("broker logs copied to " + to);
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static Options parse(String[] args) {
    String bootstrap = null;
    int nodes = 1;
    List<Integer> clients = List.of(1, 16, 128);
    int seconds = 10;
    int warmup = 5;
    int payload = 200;
    Map<String, String> producer = new LinkedHashMap<>();
    Map<String, String> broker = new LinkedHashMap<>();
    Path brokerLogs = null;
    boolean requestLog = false;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--request-log")) {
        requestLog = true;
        i--;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--bootstrap" -> bootstrap = v;
        case "--nodes" -> nodes = Integer.parseInt(v);
        case "--clients" ->
            clients = Arrays.stream(v.split(",")).map(String::trim).map(Integer::valueOf).toList();
        case "--seconds" -> seconds = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--payload" -> payload = Integer.parseInt(v);
        case "--producer" -> keyValue(producer, "--producer", v);
        case "--broker" -> keyValue(broker, "--broker", v);
        case "--broker-logs" -> brokerLogs = Path.of(v);
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + " (see the Javadoc of "
                    + EndToEndBenchmark.class.getName()
                    + ")");
      }
    }
    return new Options(
        bootstrap,
        nodes,
        clients,
        seconds,
        warmup,
        payload,
        producer,
        broker,
        brokerLogs,
        requestLog);
  }

  private static void keyValue(Map<String, String> into, String option, String v) {
    int eq = v.indexOf('=');
    if (eq < 1) {
      throw new IllegalArgumentException(option + " needs key=value, was " + v);
    }
    into.put(v.substring(0, eq), v.substring(eq + 1));
  }

  /** A state machine that only counts applied commands: the figures are the runtime's own cost. */
  static final class CountingMachine implements QueryableStateMachine<byte[], byte[]> {
    private static final Codec<byte[]> IDENTITY =
        new Codec<>() {
          @Override
          public byte[] encode(byte[] value) {
            return value;
          }

          @Override
          public byte[] decode(byte[] bytes) {
            return bytes;
          }
        };

    private long applied;

    @Override
    public Result<byte[]> apply(long index, byte[] command) {
      applied++;
      return new Result<>(new byte[0], List.of());
    }

    @Override
    public byte[] snapshot() {
      return ByteBuffer.allocate(8).putLong(applied).array();
    }

    @Override
    public void restore(byte[] snapshot) {
      applied = ByteBuffer.wrap(snapshot).getLong();
    }

    @Override
    public Codec<byte[]> commandCodec() {
      return IDENTITY;
    }

    @Override
    public Codec<byte[]> replyCodec() {
      return IDENTITY;
    }

    @Override
    public byte[] query(byte[] query) {
      return snapshot();
    }
  }
}
