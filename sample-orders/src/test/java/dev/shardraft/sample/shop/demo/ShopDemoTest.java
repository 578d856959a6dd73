package dev.shardraft.sample.shop.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The one-command demo end to end, short: its own local Kafka (unless one is configured), three
 * real {@code OrdersNode} JVMs, 16 s of load from 3 clients, the SIGKILL of the node leading the
 * most groups midway and its restart, then the invariant check from the committed state and events.
 */
class ShopDemoTest {

  @Test
  void theDemoKillsANodeMidwayAndTheInvariantsHold() throws Exception {
    ShopDemo.Result r = ShopDemo.run(new ShopDemo.Options(16, 3, 2, 2, 1, true, 5, 4, "320m"));
    assertTrue(r.ok(), "the demo failed: " + r);
    assertTrue(r.table().get("orders placed (acknowledged)") > 0, r.toString());
    assertEquals(0L, r.table().get("acknowledged but lost"), r.toString());
    assertEquals(0L, r.table().get("duplicates"), r.toString());
    assertEquals(0L, r.table().get("  now PLACED"), r.toString());
    assertTrue(r.violations().isEmpty(), r.violations().toString());
    // the killed node led at least one group (it led the most), and each committed again
    assertFalse(r.failoverMillis().isEmpty(), r.toString());
  }
}
