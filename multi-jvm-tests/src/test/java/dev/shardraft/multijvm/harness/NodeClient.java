package dev.shardraft.multijvm.harness;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The harness's HTTP client to the nodes' endpoints ({@code FaultNode}). */
public final class NodeClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Sends an operation; the node's JSON answer ({@code type}, {@code value}, {@code error}). */
  public Map<String, Object> op(int port, String f, String key, Object value, Duration timeout)
      throws IOException, InterruptedException {
    byte[] body =
        JSON.writeValueAsBytes(Map.of("f", f, "key", key, "value", value == null ? "" : value));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/op"))
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return JSON.readValue(
        http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body(),
        new TypeReference<Map<String, Object>>() {});
  }

  public Map<String, Object> status(int port) throws IOException, InterruptedException {
    return JSON.readValue(get(port, "/status"), new TypeReference<Map<String, Object>>() {});
  }

  public List<Map<String, Object>> digests(int port) throws IOException, InterruptedException {
    return JSON.readValue(get(port, "/digests"), new TypeReference<List<Map<String, Object>>>() {});
  }

  private byte[] get(int port, String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
  }
}
