package dev.shardraft.sample.shop.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardraft.kafka.local.LocalKafka;
import dev.shardraft.runtime.ShardResolver;
import dev.shardraft.sample.demo.BootstrapServers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one-command demo: a local Kafka (unless {@value BootstrapServers#ENVIRONMENT} names one),
 * three {@code OrdersNode} JVMs, restocked items, a load of concurrent orders through the HTTP API
 * with a progress line, a SIGKILL of the node leading the most groups midway (and the time each of
 * its groups took to commit a command again), its restart, then the invariant check from the
 * committed state and events, and a summary table. Exits 0 only if the invariants hold. Stops
 * everything it started, also on Ctrl-C. See docs/DEMO.md for the options.
 */
public final class ShopDemo {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST = Duration.ofSeconds(8);

  /** The demo's options ({@code --name=value}). */
  public record Options(
      int seconds,
      int clients,
      int ordersGroups,
      int inventoryGroups,
      int brokers,
      boolean kill,
      int restartAfterSeconds,
      int skus,
      String heap) {

    public static Options defaults() {
      return new Options(40, 4, 4, 2, 1, true, 10, 8, "320m");
    }

    static Options parse(String[] args) {
      Map<String, String> m = new HashMap<>();
      for (String a : args) {
        if (a.equals("--no-kill")) {
          m.put("kill", "false");
        } else if (a.startsWith("--") && a.contains("=")) {
          m.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        } else {
          throw new IllegalArgumentException(
              "unknown argument '"
                  + a
                  + "'; options: --seconds=N --clients=N --orders-groups=N"
                  + " --inventory-groups=N --brokers=1|3 --restart-after=N --skus=N --no-kill");
        }
      }
      Options d = defaults();
      Options o =
          new Options(
              Integer.parseInt(m.getOrDefault("seconds", "" + d.seconds())),
              Integer.parseInt(m.getOrDefault("clients", "" + d.clients())),
              Integer.parseInt(m.getOrDefault("orders-groups", "" + d.ordersGroups())),
              Integer.parseInt(m.getOrDefault("inventory-groups", "" + d.inventoryGroups())),
              Integer.parseInt(m.getOrDefault("brokers", "" + d.brokers())),
              Boolean.parseBoolean(m.getOrDefault("kill", "" + d.kill())),
              Integer.parseInt(m.getOrDefault("restart-after", "" + d.restartAfterSeconds())),
              Integer.parseInt(m.getOrDefault("skus", "" + d.skus())),
              m.getOrDefault("heap", d.heap()));
      if (o.brokers() != 1 && o.brokers() != 3) {
        throw new IllegalArgumentException("--brokers must be 1 or 3, was " + o.brokers());
      }
      if (o.seconds() < 4 || o.clients() < 1 || o.skus() < 2) {
        throw new IllegalArgumentException("--seconds >= 4, --clients >= 1, --skus >= 2");
      }
      return o;
    }
  }

  /** What the demo found. */
  public record Result(
      boolean ok,
      Map<String, Long> table,
      Map<String, Long> failoverMillis,
      List<String> violations) {}

  private final Options options;
  private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<NodeJvm> nodes = new ArrayList<>();
  private final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, Long> restocked = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
  private final AtomicLong placed = new AtomicLong();
  private final AtomicLong acks = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();
  private final AtomicLong unexpected = new AtomicLong();
  private final AtomicLong leaderChanges = new AtomicLong();
  private final Map<String, Long> failovers = new ConcurrentHashMap<>();
  private volatile NodeJvm down;
  private LocalKafka localKafka;

  private ShopDemo(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Result r = run(Options.parse(args));
    System.exit(r.ok() ? 0 : 1);
  }

  /** Runs the demo; everything it started is stopped when it returns or throws. */
  public static Result run(Options options) throws Exception {
    ShopDemo demo = new ShopDemo(options);
    Thread cleanup = new Thread(demo::stopAll, "shop-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      return demo.go();
    } finally {
      demo.stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already (Ctrl-C): it stops everything
      }
    }
  }

  private Result go() throws Exception {
    long started = System.nanoTime();
    Optional<String> configured =
        BootstrapServers.configured(System.getProperties(), System.getenv());
    String bootstrap;
    if (configured.isPresent()) {
      bootstrap = configured.get();
      say("Using the Kafka at " + bootstrap);
    } else {
      say(
          "No "
              + BootstrapServers.ENVIRONMENT
              + " set: starting a local Kafka ("
              + options.brokers()
              + " broker(s)) ...");
      localKafka = LocalKafka.start(options.brokers());
      bootstrap = localKafka.bootstrapServers();
      say("Local Kafka " + bootstrap + " ready in " + localKafka.startupTime().toMillis() + " ms");
    }
    Path logs = Files.createDirectories(Path.of("target", "shop-demo", run));
    int[] artery = {freePort(), freePort(), freePort()};
    String seeds = "127.0.0.1:" + artery[0] + ",127.0.0.1:" + artery[1] + ",127.0.0.1:" + artery[2];
    for (int i = 0; i < 3; i++) {
      String name = "n" + (i + 1);
      int httpPort = freePort();
      Map<String, String> env = new LinkedHashMap<>();
      env.put("SHOP_NODE_NAME", name);
      env.put("SHOP_HTTP_PORT", "" + httpPort);
      env.put("SHOP_ARTERY_PORT", "" + artery[i]);
      env.put("SHOP_SEEDS", seeds);
      env.put("SHOP_ORDERS_GROUPS", "" + options.ordersGroups());
      env.put("SHOP_INVENTORY_GROUPS", "" + options.inventoryGroups());
      env.put("SHOP_REPLICAS", "3");
      env.put(BootstrapServers.ENVIRONMENT, bootstrap);
      nodes.add(new NodeJvm(name, httpPort, artery[i], env, List.of(), logs, options.heap()));
    }
    for (NodeJvm n : nodes) {
      n.start();
    }
    for (NodeJvm n : nodes) {
      n.awaitReady(Duration.ofSeconds(180));
      say(n.name + " ready: pid " + n.pid() + ", http " + n.httpPort + ", log " + n.log());
    }
    awaitAllLed(Duration.ofSeconds(180));
    say(
        "Every group has a leader and 3 running replicas; leaders per node: "
            + leadersPerNode(status()));

    List<String> skus = new ArrayList<>();
    for (int i = 0; i < options.skus(); i++) {
      String sku = run + "-sku-" + i;
      skus.add(sku);
      restock(sku, 400);
    }
    say("Restocked " + skus.size() + " items with 400 units each");

    long loadStart = System.nanoTime();
    long loadEnd = loadStart + Duration.ofSeconds(options.seconds()).toNanos();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < options.clients(); c++) {
      int client = c;
      Thread t = new Thread(() -> client(client, skus, loadEnd), "shop-demo-client-" + c);
      t.setDaemon(true);
      t.start();
      clients.add(t);
    }
    Thread progress = new Thread(() -> progress(loadEnd), "shop-demo-progress");
    progress.setDaemon(true);
    progress.start();
    List<Thread> probes = new ArrayList<>();
    NodeJvm killed = null;
    if (options.kill()) {
      sleepUntil(loadStart + Duration.ofSeconds(options.seconds()).toNanos() / 2);
      JsonNode before = status();
      Map<String, Long> perNode = leadersPerNode(before);
      killed =
          nodes.stream()
              .max(
                  (a, b) ->
                      Long.compare(
                          perNode.getOrDefault(a.name, 0L), perNode.getOrDefault(b.name, 0L)))
              .orElseThrow();
      List<String> affected = ledBy(before, killed);
      long killedAt = System.nanoTime();
      down = killed;
      killed.kill();
      say(
          "SIGKILL "
              + killed.name
              + " (pid "
              + killed.pid()
              + "), leader of "
              + affected.size()
              + " groups: "
              + affected);
      for (String group : affected) {
        Thread p = new Thread(() -> probe(group, killedAt), "shop-demo-probe-" + group);
        p.setDaemon(true);
        p.start();
        probes.add(p);
      }
      sleepUntil(killedAt + Duration.ofSeconds(options.restartAfterSeconds()).toNanos());
      killed.start();
      killed.awaitReady(Duration.ofSeconds(180));
      down = null;
      say("Restarted " + killed.name + " (pid " + killed.pid() + ")");
    }
    for (Thread t : clients) {
      t.join();
    }
    progress.join();
    for (Thread p : probes) {
      p.join(Duration.ofSeconds(60).toMillis());
    }
    long loadMillis = (System.nanoTime() - loadStart) / 1_000_000;
    say(
        "Load done: "
            + placed.get()
            + " orders placed in "
            + loadMillis
            + " ms; letting the saga settle ...");

    JsonNode check = null;
    long settleEnd = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() - settleEnd < 0) {
      check = check();
      if (check != null && check.get("ok").asBoolean() && check.get("settled").asBoolean()) {
        break;
      }
      Thread.sleep(1000);
    }
    if (check == null) {
      throw new IllegalStateException("the invariant check never answered");
    }
    JsonNode report = check.get("report");
    List<String> violations = new ArrayList<>();
    report.get("violations").forEach(v -> violations.add(v.asText()));
    Map<String, Long> table = new LinkedHashMap<>();
    JsonNode by = report.get("ordersByStatus");
    table.put("orders placed (acknowledged)", placed.get());
    for (String s : List.of("RESERVED", "PAID", "SHIPPED", "CANCELLED", "REJECTED", "PLACED")) {
      table.put("  now " + s, by.path(s).asLong());
    }
    table.put("acknowledged commands", acks.get());
    table.put("commands with unknown outcome", unknown.get());
    table.put("unexpected answers", unexpected.get());
    table.put(
        "acknowledged but lost", violations.stream().filter(v -> v.contains("(lost)")).count());
    table.put(
        "duplicates",
        violations.stream()
            .filter(
                v ->
                    v.contains("twice")
                        || v.contains("duplicated")
                        || v.matches(".*accepted [0-9]+x.*"))
            .count());
    table.put("events on the events topic", report.get("events").asLong());
    table.put("leader changes seen", leaderChanges.get());
    boolean settled = check.get("settled").asBoolean();
    boolean ok = check.get("ok").asBoolean() && settled && unexpected.get() == 0;
    boolean failedOver = killed == null || probes.stream().noneMatch(Thread::isAlive);
    say("");
    say("+--------------------------------------------+----------+");
    say(String.format("| %-42s | %8s |", "summary (run " + run + ")", ""));
    say("+--------------------------------------------+----------+");
    table.forEach((k, v) -> say(String.format("| %-42s | %8d |", k, v)));
    new TreeMap<>(failovers)
        .forEach(
            (g, ms) ->
                say(
                    String.format(
                        "| %-42s | %5d ms |", "failover " + g + " (kill -> commit)", ms)));
    say(String.format("| %-42s | %8s |", "invariants", ok ? "HOLD" : "BROKEN"));
    say("+--------------------------------------------+----------+");
    violations.stream().limit(20).forEach(v -> say("  violation: " + v));
    if (!settled) {
      say("  the saga did not settle within 120 s: " + report);
    }
    if (!failedOver) {
      say("  a group of the killed node did not commit again within 60 s");
    }
    say(
        "Demo "
            + (ok && failedOver ? "OK" : "FAILED")
            + " in "
            + (System.nanoTime() - started) / 1_000_000_000
            + " s");
    return new Result(ok && failedOver, table, Map.copyOf(failovers), violations);
  }

  // ---- load

  private void client(int client, List<String> skus, long end) {
    Random random = new Random(client * 7919L + 17);
    int n = 0;
    while (System.nanoTime() - end < 0) {
      String id = run + "-c" + client + "-" + n++;
      List<String> chosen = new ArrayList<>(skus);
      Collections.shuffle(chosen, random);
      ObjectNode body = JSON.createObjectNode();
      body.put("orderId", id);
      body.put("customer", "customer-" + random.nextInt(20));
      var lines = body.putArray("lines");
      int count = 1 + random.nextInt(2);
      for (int i = 0; i < count; i++) {
        lines.addObject().put("sku", chosen.get(i)).put("quantity", 1 + random.nextInt(3));
      }
      long amount = 100 + random.nextInt(10_000);
      body.put("amountCents", amount);
      long t0 = System.nanoTime();
      JsonNode order = send("POST", "/orders", body.toString(), id, "place");
      if (order == null) {
        continue;
      }
      latencies.add((System.nanoTime() - t0) / 1000);
      placed.incrementAndGet();
      if (!"RESERVED".equals(order.path("status").asText())) {
        continue; // REJECTED, or still PLACED: the saga decides
      }
      double r = random.nextDouble();
      if (r < 0.15) {
        send("POST", "/orders/" + id + "/cancel", "{\"reason\":\"changed mind\"}", id, "cancel");
      } else if (r < 0.85) {
        if (send("POST", "/orders/" + id + "/pay", "{\"amountCents\":" + amount + "}", id, "pay")
                != null
            && random.nextDouble() < 0.8) {
          send("POST", "/orders/" + id + "/ship", "", id, "ship");
        }
      }
    }
  }

  /**
   * Sends a command to a live node, repeating it on another one (every step is idempotent) while
   * the outcome is unknown; records an acceptance. Null if it was not acknowledged.
   */
  private JsonNode send(String method, String path, String body, String orderId, String command) {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int attempt = 0;
    boolean repeated = false;
    while (System.nanoTime() - end < 0) {
      NodeJvm node = live(attempt++);
      try {
        HttpResponse<String> r = request(node, method, path, body);
        int s = r.statusCode();
        if (s == 200 || s == 201 || s == 202) {
          acknowledged.computeIfAbsent(orderId, k -> ConcurrentHashMap.newKeySet()).add(command);
          acks.incrementAndGet();
          return JSON.readTree(r.body());
        }
        if (s == 409 && repeated) {
          unknown.incrementAndGet(); // an earlier attempt was applied, its answer lost
          return null;
        }
        if (s != 503) {
          // a refusal the load never asks for (409), a bad request or an error: a bug somewhere
          if (unexpected.incrementAndGet() <= 5) {
            say("  unexpected: " + method + " " + path + " answered " + s + ": " + r.body());
          }
          return null;
        }
      } catch (IOException e) {
        // the node is down or did not answer in time: the outcome is unknown, repeat elsewhere
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      repeated = true;
      pause(100);
    }
    unknown.incrementAndGet();
    return null;
  }

  private HttpResponse<String> request(NodeJvm node, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort + path))
            .timeout(REQUEST)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private NodeJvm live(int attempt) {
    List<NodeJvm> up = nodes.stream().filter(n -> n != down).toList();
    return up.get(Math.floorMod(attempt + (int) Thread.currentThread().getId(), up.size()));
  }

  private void restock(String sku, int quantity) {
    JsonNode r =
        send(
            "POST",
            "/inventory/" + sku + "/restock",
            "{\"quantity\":" + quantity + "}",
            "restock:" + sku,
            "restock");
    if (r == null) {
      throw new IllegalStateException("restocking " + sku + " was not acknowledged");
    }
    acknowledged.remove("restock:" + sku);
    restocked.merge(sku, (long) quantity, Long::sum);
  }

  // ---- failover, progress, status

  /**
   * Commits a command to {@code group} (through a live node) until one is acknowledged; the time
   * from the kill to that answer is the group's failover time. Orders groups: a payment of an order
   * that does not exist (committed, and refused by the state machine: 404); inventory groups: a
   * restock of one unit of a probe item.
   */
  private void probe(String group, long killedAt) {
    boolean orders = group.startsWith("orders-");
    String key = keyFor(group, orders ? options.ordersGroups() : options.inventoryGroups());
    int attempt = 0;
    while (System.nanoTime() - killedAt < Duration.ofSeconds(60).toNanos()) {
      NodeJvm node = live(attempt++);
      try {
        HttpResponse<String> r =
            orders
                ? request(node, "POST", "/orders/" + key + "/pay", "{\"amountCents\":1}")
                : request(node, "POST", "/inventory/" + key + "/restock", "{\"quantity\":1}");
        if ((orders && r.statusCode() == 404) || (!orders && r.statusCode() == 200)) {
          long ms = (System.nanoTime() - killedAt) / 1_000_000;
          // (a probe restock is not in the restock tally: one whose answer was lost may have been
          // applied as well; the probe items still obey restocked = available + reserved + ...)
          failovers.put(group, ms);
          say("  " + group + " committed again " + ms + " ms after the kill");
          return;
        }
      } catch (IOException e) {
        // not answered: try again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      pause(50);
    }
  }

  /** A key of {@code group}, {@code probe-<run>-<n>}. */
  private String keyFor(String group, int count) {
    String family = group.substring(0, group.lastIndexOf('-'));
    ShardResolver resolver = ShardResolver.of(family, count);
    for (int i = 0; ; i++) {
      String key = "probe-" + run + "-" + i;
      if (resolver.shardFor(key).equals(group)) {
        return key;
      }
    }
  }

  private void progress(long end) {
    Map<String, String> leaders = new HashMap<>();
    long last = System.nanoTime();
    long lastPlaced = 0;
    while (System.nanoTime() - end < 0) {
      pause(2000);
      List<Long> window = new ArrayList<>();
      Long l;
      while ((l = latencies.poll()) != null) {
        window.add(l);
      }
      Collections.sort(window);
      long now = System.nanoTime();
      long p = placed.get();
      double rate = (p - lastPlaced) * 1e9 / (now - last);
      lastPlaced = p;
      last = now;
      JsonNode s = null;
      try {
        s = status();
      } catch (Exception e) {
        // a node is down: the line says so
      }
      if (s != null) {
        for (JsonNode f : s.get("families")) {
          for (JsonNode g : f.get("groups")) {
            String leader =
                g.get("leader").isNull()
                    ? "-"
                    : g.get("leader").asText() + "@" + g.get("term").asLong();
            String before = leaders.put(g.get("group").asText(), leader);
            if (before != null && !before.equals(leader) && !leader.equals("-")) {
              leaderChanges.incrementAndGet();
            }
          }
        }
      }
      say(
          String.format(
              "[%3ds] %6.1f orders/s  p50 %5.0f ms  p99 %5.0f ms  placed %d  acks %d  leader changes %d%s",
              (int)
                  ((now - (end - Duration.ofSeconds(options.seconds()).toNanos()))
                      / 1_000_000_000L),
              rate,
              percentile(window, 0.50) / 1000.0,
              percentile(window, 0.99) / 1000.0,
              p,
              acks.get(),
              leaderChanges.get(),
              down == null ? "" : "  (" + down.name + " down)"));
    }
  }

  private static double percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(
        Math.min(
            sorted.size() - 1,
            (int) Math.ceil(q * sorted.size()) - 1 < 0
                ? 0
                : (int) Math.ceil(q * sorted.size()) - 1));
  }

  private JsonNode status() throws Exception {
    Exception last = null;
    for (int i = 0; i < nodes.size(); i++) {
      NodeJvm n = live(i);
      try {
        HttpResponse<String> r = request(n, "GET", "/status", null);
        if (r.statusCode() == 200) {
          return JSON.readTree(r.body());
        }
        last = new IllegalStateException("/status of " + n.name + " answered " + r.statusCode());
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private JsonNode check() throws Exception {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode commands = body.putObject("commands");
    acknowledged.forEach(
        (id, cs) -> {
          var a = commands.putArray(id);
          cs.forEach(a::add);
        });
    ObjectNode stock = body.putObject("restocks");
    restocked.forEach(stock::put);
    HttpResponse<String> r = request(live(0), "POST", "/check", body.toString());
    if (r.statusCode() != 200) {
      say("  /check answered " + r.statusCode() + ": " + r.body());
      return null;
    }
    return JSON.readTree(r.body());
  }

  private void awaitAllLed(Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - end < 0) {
      try {
        JsonNode s = status();
        boolean all = true;
        for (JsonNode f : s.get("families")) {
          for (JsonNode g : f.get("groups")) {
            all &= !g.get("leader").isNull();
            int running = 0;
            for (JsonNode r : g.get("replicas")) {
              running += r.get("role").isNull() ? 0 : 1;
            }
            all &= running == 3; // every replica placed and running, so a kill leaves a majority
          }
        }
        if (all) {
          return;
        }
      } catch (IOException e) {
        // not answering yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "not every group had a leader and 3 running replicas within " + timeout);
  }

  private Map<String, Long> leadersPerNode(JsonNode status) {
    Map<String, Long> per = new TreeMap<>();
    for (NodeJvm n : nodes) {
      per.put(n.name, (long) ledBy(status, n).size());
    }
    return per;
  }

  private static List<String> ledBy(JsonNode status, NodeJvm node) {
    List<String> groups = new ArrayList<>();
    for (JsonNode f : status.get("families")) {
      for (JsonNode g : f.get("groups")) {
        if (g.get("leaderNode").asText("").endsWith(":" + node.arteryPort)) {
          groups.add(g.get("group").asText());
        }
      }
    }
    return groups;
  }

  private synchronized void stopAll() {
    for (NodeJvm n : nodes) {
      try {
        n.stop(Duration.ofSeconds(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (localKafka != null) {
      localKafka.close();
      localKafka = null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long ms = (nanoTime - System.nanoTime()) / 1_000_000;
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
