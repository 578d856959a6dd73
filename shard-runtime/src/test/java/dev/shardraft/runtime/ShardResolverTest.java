package dev.shardraft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardResolverTest {

  @Test
  void mappingIsPinnedSoKeysNeverMoveBetweenReleases() {
    ShardResolver orders = ShardResolver.of("orders", 8);
    // Computed once with Kafka's murmur2 (as its default partitioner does); a change here would
    // move live keys to another group.
    assertEquals("orders-6", orders.shardFor("order-1"));
    assertEquals("orders-3", orders.shardFor("order-2"));
    assertEquals("orders-1", orders.shardFor("customer-42"));
    assertEquals("orders-1", orders.shardFor(""));
  }

  @Test
  void spreadsKeysOverEveryShard() {
    ShardResolver orders = ShardResolver.of("orders", 4);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      counts.merge(orders.shardFor("order-" + i), 1, Integer::sum);
    }
    assertEquals(4, counts.size(), counts.toString());
    counts.values().forEach(c -> assertTrue(c > 800 && c < 1200, counts.toString()));
  }

  @Test
  void knowsItsShardsAndRejectsOthers() {
    ShardResolver orders = ShardResolver.of("orders", 3);
    assertEquals(java.util.List.of("orders-0", "orders-1", "orders-2"), orders.allShards());
    assertTrue(orders.isKnownShard("orders-2"));
    assertFalse(orders.isKnownShard("orders-3"));
    assertFalse(orders.isKnownShard("orders-01"));
    assertFalse(orders.isKnownShard("payments-0"));
    assertFalse(orders.isKnownShard("orders--1"));
    assertFalse(orders.isKnownShard(null));
  }

  @Test
  void rejectsNamesThatCannotBeTopicNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ShardResolver.of("orders/x", 2));
    assertTrue(e.getMessage().contains("orders/x"));
    assertThrows(IllegalArgumentException.class, () -> ShardResolver.of("orders", 0));
  }
}
