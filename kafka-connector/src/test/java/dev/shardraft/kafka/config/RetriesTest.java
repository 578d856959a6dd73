package dev.shardraft.kafka.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.admin.TopicAdmin;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.Test;

class RetriesTest {

  private static final RetrySettings FAST =
      new RetrySettings(3, Duration.ofMillis(1), Duration.ofMillis(5));

  @Test
  void retriableFailuresAreRetriedUntilSuccess() {
    AtomicInteger calls = new AtomicInteger();
    String result =
        Retries.withBackoff(
            "op",
            FAST,
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new ExecutionException(new NotEnoughReplicasException("not yet"));
              }
              return "ok";
            });
    assertEquals("ok", result);
    assertEquals(3, calls.get());
  }

  @Test
  void theLastRetriableFailureIsReportedWithTheOperationAndAttempts() {
    AtomicInteger calls = new AtomicInteger();
    NotEnoughReplicasException cause = new NotEnoughReplicasException("never");
    KafkaOperationException e =
        assertThrows(
            KafkaOperationException.class,
            () ->
                Retries.withBackoff(
                    "creating topic t",
                    FAST,
                    () -> {
                      calls.incrementAndGet();
                      throw new ExecutionException(cause);
                    }));
    assertEquals(3, calls.get());
    assertSame(cause, e.getCause());
    assertTrue(
        e.getMessage().startsWith("creating topic t failed after 3 attempt(s)"), e.getMessage());
  }

  @Test
  void nonRetriableFailuresAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThrows(
        KafkaOperationException.class,
        () ->
            Retries.withBackoff(
                "op",
                FAST,
                () -> {
                  calls.incrementAndGet();
                  throw new IllegalStateException("bad input");
                }));
    assertEquals(1, calls.get());
  }

  @Test
  void anUnreachableClusterFailsTopicCreationClearlyAfterRetries() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    KafkaSettings settings =
        KafkaSettings.fromConfig(
            ConfigFactory.parseString(
                "shardraft.kafka { bootstrap-servers = \"127.0.0.1:"
                    + port
                    + "\", operation-timeout = 1s,"
                    + " retry { attempts = 2, min-backoff = 10ms, max-backoff = 10ms },"
                    + " admin { request.timeout.ms = 500, default.api.timeout.ms = 1000 } }"));
    try (TopicAdmin admin = new TopicAdmin(settings)) {
      KafkaOperationException e =
          assertThrows(KafkaOperationException.class, () -> admin.ensureShardTopics("down-0"));
      assertTrue(
          e.getMessage().startsWith("describing the cluster failed after 2 attempt(s)"),
          e.getMessage());
    }
  }
}
