package dev.shardraft.raft.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.raft.core.RaftConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaSettingsTest {
  private static final List<String> MEMBERS = List.of("r1", "r2", "r3");

  private static ReplicaSettings read(String hocon) {
    return ReplicaSettings.fromConfig(ConfigFactory.parseString(hocon), "orders-0", "r1", MEMBERS);
  }

  private static String errorOf(String hocon) {
    return assertThrows(ConfigException.class, () -> read(hocon)).getMessage();
  }

  @Test
  void referenceDefaultsMatchTheCoreDefaults() {
    ReplicaSettings s = ReplicaSettings.of("orders-0", "r1", MEMBERS);
    assertEquals(RaftConfig.of("orders-0", "r1", MEMBERS), s.raftConfig());
    assertEquals(10_000, s.snapshotEvery());
    assertFalse(s.deleteLogAfterSnapshot());
    assertEquals(1_000_000, s.sessionExpiryPositions());
    assertEquals(10_000, s.stashCapacity());
    assertEquals(Duration.ofMillis(100), s.storageRetryMin());
    assertEquals(Duration.ofSeconds(5), s.storageRetryMax());
    assertEquals("orders-0", s.shard());
    assertEquals("r1", s.self());
    assertEquals(MEMBERS, s.members());
  }

  @Test
  void everyKeyIsRead() {
    ReplicaSettings s =
        read(
            """
            shardraft.replica {
              election-timeout-min = 300ms
              election-timeout-max = 600ms
              heartbeat-interval = 75ms
              max-batch-size = 64
              max-pending-commands = 500
              max-command-bytes = 64KiB
              snapshot-every = 100
              delete-log-after-snapshot = on
              session-expiry-positions = 7
              session-max-replies = 12
              stash-capacity = 9
              storage-retry { min-backoff = 10ms, max-backoff = 1s }
            }
            """);
    RaftConfig r = s.raftConfig();
    assertEquals(300, r.electionTimeoutMinMs());
    assertEquals(600, r.electionTimeoutMaxMs());
    assertEquals(75, r.heartbeatIntervalMs());
    assertEquals(64, r.maxBatchSize());
    assertEquals(500, r.maxPendingCommands());
    assertEquals(64 * 1024, r.maxCommandBytes());
    assertEquals(100, s.snapshotEvery());
    assertTrue(s.deleteLogAfterSnapshot());
    assertEquals(7, s.sessionExpiryPositions());
    assertEquals(12, r.sessionMaxReplies());
    assertEquals(9, s.stashCapacity());
    assertEquals(Duration.ofMillis(10), s.storageRetryMin());
    assertEquals(Duration.ofSeconds(1), s.storageRetryMax());
  }

  @Test
  void anActorSystemsConfigurationCanBePassedWhole() {
    Config app =
        ConfigFactory.parseString("shardraft.replica.snapshot-every = 0")
            .withFallback(ConfigFactory.load());
    assertEquals(0, ReplicaSettings.fromConfig(app, "s", "a", List.of("a")).snapshotEvery());
  }

  @Test
  void errorsNameTheKey() {
    assertTrue(
        errorOf("shardraft.replica.heartbeat-interval = fast")
            .contains("shardraft.replica.heartbeat-interval"));
    assertTrue(
        errorOf("shardraft.replica.heartbeat-interval = 200ms")
            .contains("shardraft.replica.heartbeat-interval"));
    assertTrue(
        errorOf("shardraft.replica.election-timeout-max = 100ms")
            .contains("shardraft.replica.election-timeout-max"));
    assertTrue(
        errorOf("shardraft.replica.max-batch-size = 0")
            .contains("shardraft.replica.max-batch-size"));
    assertTrue(
        errorOf("shardraft.replica.max-command-bytes = 0")
            .contains("shardraft.replica.max-command-bytes"));
    assertTrue(
        errorOf("shardraft.replica.snapshot-every = -1")
            .contains("shardraft.replica.snapshot-every"));
    assertTrue(
        errorOf("shardraft.replica.session-expiry-positions = 0")
            .contains("shardraft.replica.session-expiry-positions"));
    assertTrue(
        errorOf("shardraft.replica.session-max-replies = 0")
            .contains("shardraft.replica.session-max-replies"));
    assertTrue(
        errorOf("shardraft.replica.storage-retry.max-backoff = 1ms")
            .contains("shardraft.replica.storage-retry.max-backoff"));
    assertTrue(
        errorOf("shardraft.replica.delete-log-after-snapshot = maybe")
            .contains("shardraft.replica.delete-log-after-snapshot"));
  }

  @Test
  void aSelfOutsideTheMembersNamesTheReplica() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ReplicaSettings.fromConfig(ConfigFactory.empty(), "orders-0", "r9", MEMBERS));
    assertTrue(e.getMessage().startsWith("orders-0/r9: "), e.getMessage());
  }

  @Test
  void withMethodsChangeOneValue() {
    ReplicaSettings s = ReplicaSettings.of("orders-0", "r1", MEMBERS);
    ReplicaSettings t =
        s.withTiming(Duration.ofMillis(400), Duration.ofMillis(800), Duration.ofMillis(100));
    assertEquals(400, t.raftConfig().electionTimeoutMinMs());
    assertEquals(s.snapshotEvery(), t.snapshotEvery());
    assertEquals(3, s.withSeed(3).seed());
    assertEquals(5, s.withSnapshotEvery(5).snapshotEvery());
    assertTrue(s.withDeleteLogAfterSnapshot(true).deleteLogAfterSnapshot());
  }
}
