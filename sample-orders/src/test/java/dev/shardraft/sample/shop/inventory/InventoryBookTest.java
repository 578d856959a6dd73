package dev.shardraft.sample.shop.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.sample.shop.domain.Refusal;
import dev.shardraft.sample.shop.inventory.InventoryCommand.Commit;
import dev.shardraft.sample.shop.inventory.InventoryCommand.Release;
import dev.shardraft.sample.shop.inventory.InventoryCommand.Reserve;
import dev.shardraft.sample.shop.inventory.InventoryCommand.Restock;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stock of one SKU as a table: a history, one more command, and the figures after it
 * (available, reserved, shipped) or its refusal.
 */
class InventoryBookTest {

  static final Restock RESTOCK5 = new Restock("s", 5);
  static final Reserve R3 = new Reserve("s", "o1", 3);
  static final Reserve R3B = new Reserve("s", "o2", 3);
  static final Release REL = new Release("s", "o1");
  static final Commit COMMIT = new Commit("s", "o1");

  static List<InventoryCommand> h(InventoryCommand... cs) {
    return Arrays.asList(cs);
  }

  static Arguments ok(List<InventoryCommand> h, InventoryCommand c, long av, long res, long sh) {
    return Arguments.of(h, c, new long[] {av, res, sh}, null);
  }

  static Arguments no(List<InventoryCommand> h, InventoryCommand c, Refusal r) {
    return Arguments.of(h, c, null, r);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        ok(h(), RESTOCK5, 5, 0, 0),
        ok(h(RESTOCK5), R3, 2, 3, 0),
        ok(h(RESTOCK5, R3), R3, 2, 3, 0), // idempotent per order
        no(h(RESTOCK5, R3), new Reserve("s", "o1", 2), Refusal.CONFLICT),
        no(h(RESTOCK5, R3), R3B, Refusal.INSUFFICIENT_STOCK), // never negative
        no(h(), R3, Refusal.INSUFFICIENT_STOCK),
        ok(h(RESTOCK5, R3), REL, 5, 0, 0),
        ok(h(RESTOCK5, R3, REL), REL, 5, 0, 0),
        no(h(RESTOCK5, R3, REL), R3, Refusal.CONFLICT), // a released order cannot reserve again
        ok(h(RESTOCK5), REL, 5, 0, 0), // release first leaves a mark...
        no(h(RESTOCK5, REL), R3, Refusal.CONFLICT), // ...so a late reserve cannot leak stock
        ok(h(RESTOCK5, R3), COMMIT, 2, 0, 3),
        ok(h(RESTOCK5, R3, COMMIT), COMMIT, 2, 0, 3),
        ok(h(RESTOCK5, R3, COMMIT), R3, 2, 0, 3),
        no(h(RESTOCK5, R3, COMMIT), REL, Refusal.CONFLICT),
        no(h(RESTOCK5), COMMIT, Refusal.CONFLICT),
        no(h(RESTOCK5, R3, REL), COMMIT, Refusal.CONFLICT));
  }

  @ParameterizedTest(name = "{0} then {1}")
  @MethodSource("table")
  void stock(List<InventoryCommand> history, InventoryCommand last, long[] after, Refusal r) {
    InventoryStateMachine m = new InventoryStateMachine();
    long i = 0;
    for (InventoryCommand c : history) {
      assertInstanceOf(InventoryReply.Done.class, m.apply(i++, c).reply(), "history " + c);
    }
    InventoryState before = m.state();
    InventoryCommand decoded = m.commandCodec().decode(m.commandCodec().encode(last));
    InventoryReply reply =
        m.replyCodec().decode(m.replyCodec().encode(m.apply(i, decoded).reply()));
    if (after != null) {
      StockLevel l = assertInstanceOf(InventoryReply.Done.class, reply).level();
      assertEquals(
          List.of(after[0], after[1], after[2]), List.of(l.available(), l.reserved(), l.shipped()));
    } else {
      assertEquals(r, assertInstanceOf(InventoryReply.Refused.class, reply).refusal());
      assertEquals(before, m.state(), "a refusal changes nothing");
    }
    m.state().stock().forEach(InventoryBookTest::checkInvariant);
  }

  static void checkInvariant(Stock s) {
    assertEquals(s.restocked(), s.available() + s.reserved() + s.shipped(), s.toString());
    assertTrue(s.available() >= 0 && s.reserved() >= 0 && s.shipped() >= 0, s.toString());
    long reserved = 0;
    long shipped = 0;
    for (Reservation r : s.reservations()) {
      if (r.state() == Reservation.State.RESERVED) {
        reserved += r.quantity();
      } else if (r.state() == Reservation.State.COMMITTED) {
        shipped += r.quantity();
      }
    }
    assertEquals(s.reserved(), reserved, s.toString());
    assertEquals(s.shipped(), shipped, s.toString());
  }

  @Test
  void randomCommandsKeepTheInvariantAndASnapshotRestoresTheState() {
    Random random = new Random(42);
    InventoryStateMachine m = new InventoryStateMachine();
    for (int i = 0; i < 5_000; i++) {
      String sku = "s" + random.nextInt(3);
      String order = "o" + random.nextInt(50);
      InventoryCommand c =
          switch (random.nextInt(4)) {
            case 0 -> new Restock(sku, 1 + random.nextInt(4));
            case 1 -> new Reserve(sku, order, 1 + random.nextInt(3));
            case 2 -> new Release(sku, order);
            default -> new Commit(sku, order);
          };
      m.apply(i, c);
      m.state().stock().forEach(InventoryBookTest::checkInvariant);
    }
    InventoryStateMachine copy = new InventoryStateMachine();
    copy.restore(m.snapshot());
    assertEquals(m.state(), copy.state());
  }
}
