package dev.shardraft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** {@code shardraft.runtime}: defaults, every key read, bad values named; bad input to the API. */
class RuntimeSettingsTest {

  private static ConfigException fails(String setting) {
    return assertThrows(
        ConfigException.class,
        () -> RuntimeSettings.fromConfig(ConfigFactory.parseString(setting)));
  }

  @Test
  void defaultsAreThoseOfReferenceConf() {
    RuntimeSettings s = RuntimeSettings.defaults();
    assertEquals(Optional.empty(), s.replicaRole());
    assertEquals(3, s.defaultReplicas());
    assertEquals(0, s.minHostingNodes());
    assertEquals(Duration.ofSeconds(2), s.keepAliveInterval());
    assertEquals(2, s.maxMovesPerRebalance());
    assertEquals(Duration.ofSeconds(2), s.handOffTransferTimeout());
    assertEquals(Duration.ofSeconds(1), s.attemptTimeout());
    assertEquals(Duration.ofMillis(25), s.retryPause());
    assertEquals(Duration.ofSeconds(2), s.quiesceAfter());
    assertEquals(Duration.ofMillis(100), s.livenessInterval());
    assertEquals(Duration.ZERO, s.suspectAfter(), "election-timeout-min");
  }

  @Test
  void quiescenceCanBeTurnedOff() {
    RuntimeSettings s =
        RuntimeSettings.fromConfig(
            ConfigFactory.parseString("shardraft.runtime.quiesce-after = off"));
    assertEquals(Duration.ZERO, s.quiesceAfter());
    assertTrue(
        fails("shardraft.runtime.quiesce-after = soon")
            .getMessage()
            .contains("shardraft.runtime.quiesce-after"));
    assertTrue(
        fails("shardraft.runtime.liveness.suspect-after = 0ms")
            .getMessage()
            .contains("shardraft.runtime.liveness.suspect-after"));
  }

  @Test
  void everyKeyIsRead() {
    RuntimeSettings s =
        RuntimeSettings.fromConfig(
            ConfigFactory.parseString(
                "shardraft.runtime { replica-role = replica, default-replicas = 5, min-hosting-nodes = 2,"
                    + " keep-alive-interval = 3s, placement.max-moves-per-rebalance = 4,"
                    + " placement.shard-buckets = 16,"
                    + " hand-off.transfer-timeout = 700ms, client.attempt-timeout = 300ms,"
                    + " client.retry-pause = 7ms, quiesce-after = 5s, liveness.interval = 50ms,"
                    + " liveness.suspect-after = 400ms }"));
    assertEquals(
        new RuntimeSettings(
            Optional.of("replica"),
            5,
            2,
            Duration.ofSeconds(3),
            4,
            16,
            Duration.ofMillis(700),
            Duration.ofMillis(300),
            Duration.ofMillis(7),
            Duration.ofSeconds(5),
            Duration.ofMillis(50),
            Duration.ofMillis(400)),
        s);
  }

  @Test
  void aBadValueFailsNamingItsKey() {
    assertTrue(
        fails("shardraft.runtime.placement.shard-buckets = 0")
            .getMessage()
            .contains("shardraft.runtime.placement.shard-buckets"));
    assertTrue(
        fails("shardraft.runtime.default-replicas = 0")
            .getMessage()
            .contains("shardraft.runtime.default-replicas"));
    assertTrue(
        fails("shardraft.runtime.min-hosting-nodes = -1")
            .getMessage()
            .contains("shardraft.runtime.min-hosting-nodes"));
    assertTrue(
        fails("shardraft.runtime.keep-alive-interval = 10ms")
            .getMessage()
            .contains("shardraft.runtime.keep-alive-interval"));
    assertTrue(
        fails("shardraft.runtime.client.attempt-timeout = soon")
            .getMessage()
            .contains("shardraft.runtime.client.attempt-timeout"));
    assertTrue(
        fails("shardraft.runtime.placement.max-moves-per-rebalance = 0")
            .getMessage()
            .contains("shardraft.runtime.placement.max-moves-per-rebalance"));
  }

  @Test
  void aTransferTimeoutNotShorterThanShardingsHandOffTimeoutFailsNamingBoth() {
    ConfigException e =
        fails(
            "shardraft.runtime.hand-off.transfer-timeout = 10s\n"
                + "pekko.cluster.sharding.handoff-timeout = 10s");
    assertTrue(
        e.getMessage().contains("shardraft.runtime.hand-off.transfer-timeout"), e.getMessage());
    assertTrue(e.getMessage().contains("pekko.cluster.sharding.handoff-timeout"), e.getMessage());
    // shorter is fine
    RuntimeSettings.fromConfig(
        ConfigFactory.parseString(
            "shardraft.runtime.hand-off.transfer-timeout = 9s\n"
                + "pekko.cluster.sharding.handoff-timeout = 10s"));
  }

  @Test
  void aMissingKeyFailsNamingIt() {
    // reference.conf fills in what the application leaves out, so "missing" is a key set to null.
    ConfigException missing = fails("shardraft.runtime.hand-off.transfer-timeout = null");
    assertTrue(
        missing.getMessage().contains("shardraft.runtime.hand-off.transfer-timeout"),
        missing.getMessage());
  }

  @Test
  void initFailsNamingABadRuntimeOrReplicaKey() throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "bad-settings",
            ConfigFactory.parseString(
                    "pekko.actor.provider = cluster\n"
                        + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                        + "pekko.remote.artery.canonical.port = 0\n"
                        + "shardraft.replica.heartbeat-interval = 900ms\n")
                .withFallback(ConfigFactory.load()));
    try {
      IllegalArgumentException notAFamily =
          assertThrows(
              IllegalArgumentException.class,
              () -> RaftGroups.of("orders/x", 8, LedgerMachine::new));
      assertTrue(notAFamily.getMessage().contains("orders/x"), notAFamily.getMessage());
      assertThrows(
          IllegalArgumentException.class, () -> RaftGroups.of("orders", 0, LedgerMachine::new));
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> ShardedRaft.init(system, RaftGroups.of("orders", 8, LedgerMachine::new)));
      assertTrue(e.getMessage().contains("shardraft.replica.heartbeat-interval"), e.getMessage());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
