package dev.shardraft.multijvm.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.runtime.RaftGroups;
import dev.shardraft.runtime.ShardedRaft;
import dev.shardraft.runtime.ShardedRaftException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A node JVM of the fault tests: a Pekko Cluster member hosting the family {@code <family>} of
 * {@code <groups>} groups of {@link KvMachine} on {@link ShardedRaft}, with a small HTTP endpoint
 * (the JDK's server, JSON by Jackson) through which the harness's clients operate:
 *
 * <ul>
 *   <li>{@code POST /op} {@code {"f","key","value"}}: a write, cas or append through {@code ask}, a
 *       read through {@code read(..., LINEARIZABLE)}; answers {@code {"type": "ok"|"fail"|"info",
 *       "value", "error"}}: {@code fail} only when the runtime says the command was not applied
 *       ({@code Rejected}, a cas that did not match, a failed read), {@code info} when the outcome
 *       is unknown;
 *   <li>{@code GET /status}: this node's cluster view and the status of the replicas it runs;
 *   <li>{@code GET /digests}: what each {@link KvMachine} instance on this node has applied.
 * </ul>
 *
 * <p>Arguments: {@code <name> <artery-port> <http-port> <seed-ports,> <bootstrap-servers> <family>
 * <groups>}. It prints {@code READY} once the HTTP endpoint listens. A node downed by the split
 * brain resolver exits (the harness restarts it).
 *
 * <p><b>Planted bugs</b>, to show the checkers catch them, only here and only with the system
 * property {@code faultnode.plant}: {@code stale-reads} serves reads at whichever replica answers
 * first ({@code ReadMode.STALE}) as if linearizable; {@code early-ack} acknowledges writes and
 * appends before they commit; {@code fresh-session-retry} retries a timed-out append as a new
 * command (a new session), defeating the exactly-once session check; {@code paused-leader} answers
 * reads for a few seconds after the process was stopped (a gap of more than 2 s in a 50 ms ticker)
 * from what this node saw before the stop, as a leader that trusts its lease across a pause would.
 * Never in shardraft's code.
 *
 * <p>Producers run with {@code transaction.timeout.ms} = {@link #TRANSACTION_TIMEOUT} (Kafka's
 * default is 60 s), so a fault test can stop a leader's node for longer than it in a short run.
 */
public final class FaultNode {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration ASK = Duration.ofSeconds(4);

  /** The nodes' producers' {@code transaction.timeout.ms}. */
  public static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);

  /** A ticker gap longer than this means the process was stopped (paused-leader plant). */
  private static final long PAUSE_NOTICED_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** How long the paused-leader plant answers from its pre-pause view after a pause. */
  private static final long STALE_ANSWERS_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final String name;
  private final ActorSystem<Void> system;
  private final ShardedRaft<String, String> raft;
  private final KvMachine.Registry registry;
  private final String plant = System.getProperty("faultnode.plant", "");

  /** paused-leader plant: the last value this node saw per key (read, written or appended). */
  private final Map<String, Object> lastSeen = new ConcurrentHashMap<>();

  private volatile long staleUntil = Long.MIN_VALUE;

  private FaultNode(
      String name,
      ActorSystem<Void> system,
      ShardedRaft<String, String> raft,
      KvMachine.Registry registry) {
    this.name = name;
    this.system = system;
    this.raft = raft;
    this.registry = registry;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 7) {
      System.err.println(
          "usage: FaultNode <name> <artery-port> <http-port> <seed-ports,> <bootstrap> <family>"
              + " <groups>");
      System.exit(64);
    }
    String name = args[0];
    int arteryPort = Integer.parseInt(args[1]);
    int httpPort = Integer.parseInt(args[2]);
    List<String> seeds =
        Arrays.stream(args[3].split(","))
            .map(p -> "\"pekko://faults@127.0.0.1:" + p + "\"")
            .toList();
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "faults", config(arteryPort, seeds, args[4]));
    KvMachine.Registry registry = new KvMachine.Registry();
    ShardedRaft<String, String> raft =
        ShardedRaft.init(
            system,
            RaftGroups.of(args[5], Integer.parseInt(args[6]), () -> new KvMachine(registry)));
    FaultNode node = new FaultNode(name, system, raft, registry);
    node.serve(httpPort);
    if (node.plant.equals("paused-leader")) {
      node.startPauseTicker();
    }
    system.getWhenTerminated().thenRun(() -> System.exit(3));
    if (!node.plant.isEmpty()) {
      System.out.println("PLANTED BUG " + node.plant);
    }
    System.out.println("READY " + name + " http " + httpPort);
  }

  private static Config config(int arteryPort, List<String> seeds, String bootstrap) {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.actor.provider = cluster",
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                "pekko.remote.artery.canonical.port = " + arteryPort,
                "pekko.cluster.seed-nodes = [" + String.join(",", seeds) + "]",
                "pekko.cluster.roles = [replica]",
                "pekko.cluster.downing-provider-class ="
                    + " \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
                "pekko.cluster.split-brain-resolver.active-strategy = keep-majority",
                "pekko.cluster.split-brain-resolver.stable-after = 7s",
                "pekko.cluster.sharding.rebalance-interval = 2s",
                // A hand-off towards a node killed meanwhile otherwise blocks its shard for 60 s.
                "pekko.cluster.sharding.handoff-timeout = 10s",
                "pekko.coordinated-shutdown.exit-jvm = on",
                "shardraft.runtime.replica-role = replica",
                "shardraft.runtime.keep-alive-interval = 1s",
                "shardraft.replica.election-timeout-min = 400ms",
                "shardraft.replica.election-timeout-max = 800ms",
                "shardraft.replica.heartbeat-interval = 100ms",
                "shardraft.kafka.producer.transaction.timeout.ms = "
                    + TRANSACTION_TIMEOUT.toMillis(),
                "shardraft.kafka.bootstrap-servers = \"" + bootstrap + "\""))
        .withFallback(ConfigFactory.load());
  }

  private void startPauseTicker() {
    long[] last = {System.nanoTime()};
    Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "paused-leader-plant");
              t.setDaemon(true);
              return t;
            })
        .scheduleWithFixedDelay(
            () -> {
              long now = System.nanoTime();
              if (now - last[0] > PAUSE_NOTICED_NANOS) {
                staleUntil = now + STALE_ANSWERS_NANOS;
                System.out.println(
                    "PLANT paused-leader: a pause of "
                        + TimeUnit.NANOSECONDS.toMillis(now - last[0])
                        + " ms; answering reads from the pre-pause view");
              }
              last[0] = now;
            },
            50,
            50,
            TimeUnit.MILLISECONDS);
  }

  private void serve(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.setExecutor(Executors.newFixedThreadPool(24));
    server.createContext("/op", this::op);
    server.createContext("/status", this::status);
    server.createContext("/digests", this::digests);
    server.start();
  }

  /** A client operation as the harness sends it. */
  record Request(String f, String key, Object value) {}

  private void op(HttpExchange exchange) throws IOException {
    Map<String, Object> answer = new LinkedHashMap<>();
    try {
      Request r = JSON.readValue(exchange.getRequestBody(), Request.class);
      answer.putAll(perform(r));
    } catch (IOException | RuntimeException e) {
      answer.put("type", "fail");
      answer.put("error", "bad request: " + e);
    }
    respond(exchange, answer);
  }

  private Map<String, Object> perform(Request r) {
    try {
      return switch (r.f()) {
        case "read" -> read(r.key());
        case "write" -> command(r.key(), "w " + r.key() + " " + r.value(), r.value());
        case "append" -> command(r.key(), "a " + r.key() + " " + r.value(), r.value());
        case "cas" -> {
          List<?> ev = (List<?>) r.value();
          yield command(r.key(), "c " + r.key() + " " + ev.get(0) + " " + ev.get(1), r.value());
        }
        default -> Map.of("type", "fail", "error", "unknown f " + r.f());
      };
    } catch (ExecutionException e) {
      return failure(e.getCause(), r);
    } catch (CompletionException e) {
      return failure(e.getCause(), r);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of("type", "info", "error", "interrupted");
    } catch (TimeoutException e) {
      return Map.of("type", "info", "error", "no outcome in time");
    } catch (IOException e) {
      return Map.of("type", "fail", "error", "read result did not decode: " + e);
    }
  }

  private Map<String, Object> read(String key)
      throws ExecutionException, InterruptedException, TimeoutException, IOException {
    if (plant.equals("paused-leader")
        && System.nanoTime() - staleUntil < 0
        && lastSeen.containsKey(key)) {
      return Map.of("type", "ok", "value", lastSeen.get(key));
    }
    ReadMode mode = plant.equals("stale-reads") ? ReadMode.STALE : ReadMode.LINEARIZABLE;
    byte[] bytes =
        raft.read(key, ("r " + key).getBytes(StandardCharsets.UTF_8), mode, ASK)
            .toCompletableFuture()
            .get(ASK.toMillis() + 2000, TimeUnit.MILLISECONDS);
    Map<String, Object> ok = new LinkedHashMap<>();
    ok.put("type", "ok");
    ok.put("value", JSON.readValue(bytes, Object.class));
    if (ok.get("value") != null) {
      lastSeen.put(key, ok.get("value"));
    }
    return ok;
  }

  private Map<String, Object> command(String key, String command, Object value)
      throws ExecutionException, InterruptedException, TimeoutException {
    CompletableFuture<String> reply = raft.ask(key, command, ASK).toCompletableFuture();
    if (plant.equals("early-ack") && !command.startsWith("c ")) {
      return Map.of("type", "ok", "value", value);
    }
    String answer;
    try {
      answer = reply.get(ASK.toMillis() + 2000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (plant.equals("fresh-session-retry")
          && command.startsWith("a ")
          && !(e.getCause() instanceof ShardedRaftException.Rejected)) {
        answer = raft.ask(key, command, ASK).toCompletableFuture().get(10, TimeUnit.SECONDS);
      } else {
        throw e;
      }
    }
    if (answer.equals("ok")) {
      seen(key, command, value);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", answer.equals("ok") ? "ok" : "fail");
    out.put("value", value);
    if (!answer.equals("ok")) {
      out.put("error", answer);
    }
    return out;
  }

  /** paused-leader plant: what an acknowledged command made the key's value. */
  private void seen(String key, String command, Object value) {
    if (command.startsWith("a ")) {
      lastSeen.computeIfPresent(
          key,
          (k, list) -> {
            List<Object> more = new ArrayList<>((List<?>) list);
            more.add(value);
            return more;
          });
    } else if (command.startsWith("c ")) {
      lastSeen.put(key, ((List<?>) value).get(1));
    } else {
      lastSeen.put(key, value);
    }
  }

  private static Map<String, Object> failure(Throwable cause, Request r) {
    boolean certain =
        cause instanceof ShardedRaftException.Rejected
            || cause instanceof ShardedRaftException.ReadFailed
            || (r.f().equals("read"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", certain ? "fail" : "info");
    out.put("error", String.valueOf(cause));
    return out;
  }

  private void status(HttpExchange exchange) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    Cluster cluster = Cluster.get(system);
    out.put("node", name);
    out.put("self", cluster.selfMember().address().toString());
    out.put(
        "up",
        java.util.stream.StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up())
            .count());
    out.put("unreachable", cluster.state().getUnreachable().size());
    List<CompletableFuture<Map<String, Object>>> asks = new ArrayList<>();
    for (String id : raft.localReplicas()) {
      String[] gr = id.split("/");
      asks.add(
          raft.status(gr[0], gr[1], Duration.ofSeconds(1))
              .toCompletableFuture()
              .thenApply(s -> describe(id, s))
              .exceptionally(e -> Map.of("id", id, "error", String.valueOf(e))));
    }
    out.put("replicas", asks.stream().map(CompletableFuture::join).collect(Collectors.toList()));
    respond(exchange, out);
  }

  private static Map<String, Object> describe(String id, Status s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("role", s.role().toString());
    m.put("term", s.term());
    m.put("readyLeader", s.isReadyLeader());
    m.put("leader", s.leader().orElse(null));
    m.put("applied", s.appliedIndex());
    return m;
  }

  private void digests(HttpExchange exchange) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    int i = 0;
    for (KvMachine.Applied a : registry.applied()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("group", raft.groupFor(a.firstKey()));
      m.put("replica", name + "#" + i++);
      m.put("appliedIndex", a.index());
      m.put("digest", a.digest());
      out.add(m);
    }
    respond(exchange, out);
  }

  private static void respond(HttpExchange exchange, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
