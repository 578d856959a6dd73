package dev.shardraft.sample.shop.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardraft.kafka.local.Await;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shop node's HTTP API on a real one-node cluster and a real broker: every endpoint, every
 * error case, and the status page in a real headless Chromium (skipped, saying so, when {@code
 * /usr/bin/chromium} is not installed; {@code .ci/run} installs it).
 */
class ShopApiTest {
  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(1);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static OrdersNode node;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    node =
        OrdersNode.start(
            OrdersNode.config(
                "shop.node.name = api-test",
                "shop.node.http-port = 0",
                "shop.node.artery-port = 0",
                "shop.node.replicas = 1",
                "shop.node.orders-groups = 2",
                "shop.node.inventory-groups = 2",
                "shop.node.ask-timeout = 30s",
                "shardraft.runtime.min-hosting-nodes = 1",
                "shardraft.runtime.keep-alive-interval = 1s",
                "pekko.coordinated-shutdown.exit-jvm = off",
                "shardraft.kafka.bootstrap-servers = \"" + KAFKA.bootstrapServers() + "\""));
    base = "http://127.0.0.1:" + node.httpPort();
    // every group has a leader before the first request
    Await.until("every group has a leader", Duration.ofSeconds(120), ShopApiTest::allLed);
  }

  private static boolean allLed() {
    try {
      JsonNode s = JSON.readTree(send("GET", "/status", null).body());
      for (JsonNode f : s.get("families")) {
        for (JsonNode g : f.get("groups")) {
          if (g.get("leader").isNull()) {
            return false;
          }
        }
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.stop(Duration.ofSeconds(30));
    }
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode expect(int status, String method, String path, String body)
      throws Exception {
    HttpResponse<String> r = send(method, path, body);
    assertEquals(status, r.statusCode(), method + " " + path + " answered " + r.body());
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        method + " " + path + ": not JSON: " + r.headers().map());
    return JSON.readTree(r.body());
  }

  private static String error(int status, String method, String path, String body)
      throws Exception {
    JsonNode e = expect(status, method, path, body);
    assertTrue(e.hasNonNull("error"), "no error message: " + e);
    assertTrue(!e.toString().contains("\tat "), "a stack trace in the answer: " + e);
    return e.get("error").asText();
  }

  @Test
  void anOrderGoesThroughItsLifecycleAndTheStockFollows() throws Exception {
    assertEquals(
        10,
        expect(200, "POST", "/inventory/sku-a/restock", "{\"quantity\":10}")
            .get("available")
            .asLong());
    String place =
        "{\"orderId\":\"o-1\",\"customer\":\"ada\",\"lines\":[{\"sku\":\"sku-a\",\"quantity\":3}],"
            + "\"amountCents\":500}";
    assertEquals("RESERVED", expect(201, "POST", "/orders", place).get("status").asText());
    // a client's repeat of the same request changes nothing
    assertEquals("RESERVED", expect(201, "POST", "/orders", place).get("status").asText());
    JsonNode stock = expect(200, "GET", "/inventory/sku-a", null);
    assertEquals(7, stock.get("available").asLong(), stock.toString());

    assertTrue(error(409, "POST", "/orders/o-1/ship", null).length() > 0, "ship before payment");
    assertEquals(
        "PAID",
        expect(200, "POST", "/orders/o-1/pay", "{\"amountCents\":500}").get("status").asText());
    error(409, "POST", "/orders/o-1/pay", "{\"amountCents\":500}");
    assertEquals("SHIPPED", expect(200, "POST", "/orders/o-1/ship", null).get("status").asText());
    error(409, "POST", "/orders/o-1/cancel", "{\"reason\":\"too late\"}");
    assertEquals("SHIPPED", expect(200, "GET", "/orders/o-1", null).get("status").asText());

    String tooMuch =
        "{\"orderId\":\"o-2\",\"customer\":\"bob\",\"lines\":[{\"sku\":\"sku-a\",\"quantity\":100}],"
            + "\"amountCents\":1}";
    assertEquals("REJECTED", expect(201, "POST", "/orders", tooMuch).get("status").asText());
    String third =
        "{\"orderId\":\"o-3\",\"customer\":\"eve\",\"lines\":[{\"sku\":\"sku-a\",\"quantity\":2}],"
            + "\"amountCents\":1}";
    expect(201, "POST", "/orders", third);
    assertEquals("CANCELLED", expect(200, "POST", "/orders/o-3/cancel", "").get("status").asText());
    // the saga releases o-3's reservation and commits o-1's when it consumes their events
    Await.until(
        "the saga released o-3's and committed o-1's stock",
        Duration.ofSeconds(60),
        () -> {
          try {
            JsonNode s = expect(200, "GET", "/inventory/sku-a", null);
            return s.get("reserved").asLong() == 0 && s.get("shipped").asLong() == 3;
          } catch (Exception e) {
            return false;
          }
        });
    stock = expect(200, "GET", "/inventory/sku-a", null);
    assertEquals(7, stock.get("available").asLong(), stock.toString());
    assertEquals(3, stock.get("shipped").asLong(), stock.toString());
    assertEquals(0, stock.get("reserved").asLong(), stock.toString());

    // the invariant check over HTTP: what was acknowledged above is committed, nothing twice
    JsonNode check =
        expect(
            200,
            "POST",
            "/check",
            "{\"commands\":{\"o-1\":[\"place\",\"pay\",\"ship\"],\"o-3\":[\"cancel\"]},"
                + "\"restocks\":{\"sku-a\":10}}");
    assertTrue(check.get("ok").asBoolean(), check.toString());
    assertEquals(4, check.get("report").get("acknowledgedChecked").asLong(), check.toString());
    // a claimed acknowledgement that never happened is reported as lost
    JsonNode lost =
        expect(200, "POST", "/check", "{\"commands\":{\"o-2\":[\"pay\"]},\"restocks\":{}}");
    assertTrue(!lost.get("ok").asBoolean(), lost.toString());
    assertTrue(lost.get("report").get("violations").toString().contains("o-2"), lost.toString());
  }

  @Test
  void badRequestsGetAClearJsonErrorAndChangeNothing() throws Exception {
    assertTrue(error(400, "POST", "/orders", "{\"orderId\":").startsWith("malformed JSON"));
    assertTrue(error(400, "POST", "/orders", "").contains("needs a JSON body"));
    assertTrue(
        error(400, "POST", "/orders", "{\"orderId\":\"x-1\",\"colour\":\"red\"}")
            .contains("unknown field 'colour'"));
    assertTrue(
        error(400, "POST", "/orders", "{\"orderId\":\"x-1\",\"lines\":[],\"amountCents\":1}")
            .contains("'customer' is required"));
    assertTrue(
        error(
                400,
                "POST",
                "/orders",
                "{\"orderId\":\"x-1\",\"customer\":\"c\",\"lines\":[{\"sku\":\"s\",\"quantity\":0}],"
                    + "\"amountCents\":1}")
            .contains("must be >= 1"));
    assertTrue(
        error(400, "POST", "/inventory/sku-b/restock", "{\"quantity\":-2}").contains(">= 1"));
    assertTrue(error(400, "POST", "/orders/x-1/pay", "{}").contains("'amountCents' is required"));
    // none of them reached a group
    error(404, "GET", "/orders/x-1", null);
    error(404, "GET", "/inventory/sku-b", null);
    error(404, "POST", "/orders/never-placed/pay", "{\"amountCents\":1}");
    error(404, "GET", "/nowhere", null);
    error(405, "DELETE", "/orders/o-1", null);
  }

  @Test
  void anOversizeCommandIsRefusedBeforeItReachesTheLog() throws Exception {
    String huge = "x".repeat(700 * 1024);
    String place =
        "{\"orderId\":\"big-1\",\"customer\":\""
            + huge
            + "\",\"lines\":[{\"sku\":\"s\",\"quantity\":1}],\"amountCents\":1}";
    assertTrue(error(400, "POST", "/orders", place).contains("too large"));
    error(404, "GET", "/orders/big-1", null);
  }

  @Test
  void statusMetricsAndThePage() throws Exception {
    JsonNode s = expect(200, "GET", "/status", null);
    assertEquals("api-test", s.get("node").asText());
    assertEquals(2, s.get("families").size(), s.toString());
    for (JsonNode f : s.get("families")) {
      assertEquals(2, f.get("groups").size(), f.toString());
    }
    HttpResponse<String> m = send("GET", "/metrics", null);
    assertEquals(200, m.statusCode());
    assertTrue(m.body().contains("shardraft_replica_"), m.body());
    HttpResponse<String> page = send("GET", "/", null);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("cluster status"), page.body());
  }

  /**
   * Chromium loads the page, runs its script and fetches {@code /status}; the rendered rows must
   * show every group with the leader and term that {@code /status} gives.
   */
  @Test
  void theStatusPageInAHeadlessBrowserShowsWhatStatusSays() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    assumeTrue(Files.isExecutable(chromium), "Chromium is needed (apt-get install chromium)");
    Map<String, String> expected = new TreeMap<>();
    for (JsonNode f : expect(200, "GET", "/status", null).get("families")) {
      for (JsonNode g : f.get("groups")) {
        expected.put(
            g.get("group").asText(), g.get("leader").asText() + "@" + g.get("term").asLong());
      }
    }
    Path profile = Files.createTempDirectory("chromium-profile");
    Process p =
        new ProcessBuilder(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=5000",
                "--dump-dom",
                base + "/")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium did not exit");
    assertTrue(dom.contains("data-loaded=\"true\""), "the page's script did not render: " + dom);
    Map<String, String> shown = new TreeMap<>();
    Matcher row =
        Pattern.compile(
                "<tr[^>]*data-group=\"([^\"]+)\"[^>]*data-leader=\"([^\"]*)\"[^>]*data-term=\"(\\d+)\"")
            .matcher(dom);
    while (row.find()) {
      shown.put(row.group(1), row.group(2) + "@" + row.group(3));
    }
    assertEquals(expected, shown, "the page shows other leaders or terms than /status");
    assertTrue(!dom.contains("class=\"no-leader\""), "a group shown without leader: " + dom);
  }
}
