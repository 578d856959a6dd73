package dev.shardraft.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.core.AppliedEntry;
import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.apply.ApplyResult;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.runtime.ShardedRaftException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The meters' names, tags and values, on a real Micrometer registry. */
class RuntimeMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RuntimeMetrics metrics = RuntimeMetrics.of(registry, "orders");

  @Test
  void aReplicasMetersCountWhatItAppliedAndAppendedAndGoAwayWhenItStops() {
    ReplicaMeters meters = metrics.replica("orders-3", "r2");
    meters.applied(new ApplyResult(0, 1, new AppliedEntry.Skipped("undecodable: junk"), List.of()));
    meters.applied(new ApplyResult(1, 1, new AppliedEntry.Skipped("stale term 0"), List.of()));
    meters.applied(
        new ApplyResult(
            2,
            1,
            new AppliedEntry.CommandDecided(
                "c", 1, new CommandOutcome.Success(2, Bytes.EMPTY, true)),
            List.of()));
    meters.appended(7, 12, true);
    meters.appended(3, 40, false);
    meters.commitIndexLearned(5);

    assertEquals(
        1,
        registry
            .get("shardraft.replica.skipped")
            .tags("group", "orders-3", "replica", "r2", "reason", "undecodable")
            .counter()
            .count());
    assertEquals(
        1,
        registry.get("shardraft.replica.skipped").tags("reason", "stale-term").counter().count());
    assertEquals(1, registry.get("shardraft.replica.duplicates").counter().count());
    assertEquals(7, registry.get("shardraft.replica.batch.size").summary().totalAmount());
    assertEquals(1, registry.get("shardraft.replica.commit.latency").timer().count());
    assertEquals(1, registry.get("shardraft.replica.append.failures").counter().count());
    assertEquals(5, registry.get("shardraft.replica.commit.index").gauge().value());
    assertEquals(-1, registry.get("shardraft.replica.applied.index").gauge().value());
    assertEquals(6, registry.get("shardraft.replica.apply.lag").gauge().value());

    meters.close();
    assertTrue(
        registry.getMeters().stream()
            .noneMatch(m -> m.getId().getName().startsWith("shardraft.replica")),
        "a stopped replica leaves no meters: " + registry.getMeters());
  }

  @Test
  void clientCallsAreTimedByOutcomeAndRetriesCountedByReason() {
    ClientMeters client = metrics.client();
    client.record("ask", CompletableFuture.completedFuture("ok"));
    client.record(
        "ask",
        CompletableFuture.failedFuture(new ShardedRaftException.TimedOut("orders-1", "late")));
    client.record("read", CompletableFuture.failedFuture(new IllegalStateException("not ours")));
    client.retried("not_leader");
    client.retried("not_leader");

    assertEquals(
        1,
        registry
            .get("shardraft.client.calls")
            .tags("family", "orders", "kind", "ask", "outcome", "ok")
            .timer()
            .count());
    assertEquals(
        1, registry.get("shardraft.client.calls").tags("outcome", "timed-out").timer().count());
    assertEquals(
        1,
        registry
            .get("shardraft.client.calls")
            .tags("kind", "read", "outcome", "error")
            .timer()
            .count());
    assertEquals(
        2, registry.get("shardraft.client.retries").tags("reason", "not_leader").counter().count());
  }
}
