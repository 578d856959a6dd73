package dev.shardraft.sample.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.sample.orders.OrderCommand.CancelOrder;
import dev.shardraft.sample.orders.OrderCommand.PayOrder;
import dev.shardraft.sample.orders.OrderCommand.PlaceOrder;
import dev.shardraft.sample.orders.OrderCommand.ShipOrder;
import dev.shardraft.sample.orders.OrderEvent.OrderCancelled;
import dev.shardraft.sample.orders.OrderEvent.OrderPaid;
import dev.shardraft.sample.orders.OrderEvent.OrderPlaced;
import dev.shardraft.sample.orders.OrderEvent.OrderShipped;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrderBookTest {

  private final OrderBook book = new OrderBook();
  private long index;

  static PlaceOrder place(String id) {
    return new PlaceOrder(
        id, "alice", List.of(new OrderLine("book", 2, 1_250), new OrderLine("pen", 1, 300)));
  }

  private OrderBook.Decision apply(OrderCommand c) {
    return book.apply(index++, c);
  }

  private static String refusal(OrderBook.Decision d) {
    assertTrue(d.event().isEmpty(), "a refused command yields no event: " + d);
    return assertInstanceOf(OrderReply.Refused.class, d.reply()).reason();
  }

  private static OrderStatus accepted(OrderBook.Decision d) {
    assertTrue(d.event().isPresent(), "an accepted command yields one event: " + d);
    return assertInstanceOf(OrderReply.Accepted.class, d.reply()).status();
  }

  @Test
  void anOrderIsPlacedPaidAndShippedWithOneEventEach() {
    OrderBook.Decision placed = apply(place("o1"));
    assertEquals(OrderStatus.PLACED, accepted(placed));
    assertEquals(new OrderPlaced("o1", "alice", place("o1").lines(), 2_800), placed.event().get());
    OrderBook.Decision paid = apply(new PayOrder("o1", 2_800));
    assertEquals(OrderStatus.PAID, accepted(paid));
    assertEquals(Optional.of(new OrderPaid("o1", 2_800)), paid.event());
    OrderBook.Decision shipped = apply(new ShipOrder("o1"));
    assertEquals(OrderStatus.SHIPPED, accepted(shipped));
    assertEquals(Optional.of(new OrderShipped("o1")), shipped.event());

    Order o = book.order("o1").orElseThrow();
    assertEquals(OrderStatus.SHIPPED, o.status());
    assertEquals(
        List.of(
            new AuditEntry(0, "place", true),
            new AuditEntry(1, "pay", true),
            new AuditEntry(2, "ship", true)),
        o.audit());
    assertEquals(3, book.state().commandsApplied());
  }

  @Test
  void aDuplicateOrderIdIsRefusedAndLeavesTheOrderAsItWasButAudited() {
    apply(place("o1"));
    PlaceOrder other = new PlaceOrder("o1", "bob", List.of(new OrderLine("car", 1, 9)));
    assertEquals("order o1 already exists", refusal(apply(other)));
    Order o = book.order("o1").orElseThrow();
    assertEquals("alice", o.customer());
    assertEquals(2, o.applications("place"), "the audit shows both applications");
  }

  @Test
  void anUnpaidOrderCannotShip() {
    apply(place("o1"));
    assertEquals("cannot ship an unpaid order", refusal(apply(new ShipOrder("o1"))));
    assertEquals(OrderStatus.PLACED, book.order("o1").orElseThrow().status());
  }

  @Test
  void aCancelledOrderCannotBePaidOrShipped() {
    apply(place("o1"));
    OrderBook.Decision cancelled = apply(new CancelOrder("o1", "changed mind"));
    assertEquals(OrderStatus.CANCELLED, accepted(cancelled));
    assertEquals(Optional.of(new OrderCancelled("o1", "changed mind", 0)), cancelled.event());
    assertEquals("cannot pay a cancelled order", refusal(apply(new PayOrder("o1", 2_800))));
    assertEquals("cannot ship a cancelled order", refusal(apply(new ShipOrder("o1"))));
    assertEquals("order is already cancelled", refusal(apply(new CancelOrder("o1", "again"))));
  }

  @Test
  void aPaidOrderIsRefundedWhenCancelledButAShippedOneCannotBeCancelled() {
    apply(place("o1"));
    apply(new PayOrder("o1", 2_800));
    assertEquals(
        Optional.of(new OrderCancelled("o1", "out of stock", 2_800)),
        apply(new CancelOrder("o1", "out of stock")).event());
    apply(place("o2"));
    apply(new PayOrder("o2", 2_800));
    apply(new ShipOrder("o2"));
    assertEquals("cannot cancel a shipped order", refusal(apply(new CancelOrder("o2", "late"))));
  }

  @Test
  void paymentMustMatchTheTotalAndHappenOnce() {
    apply(place("o1"));
    assertEquals(
        "amount 100 does not match the total 2800", refusal(apply(new PayOrder("o1", 100))));
    apply(new PayOrder("o1", 2_800));
    assertEquals("order is already paid", refusal(apply(new PayOrder("o1", 2_800))));
    assertEquals(2_800, book.order("o1").orElseThrow().paidCents());
  }

  @Test
  void commandsOnUnknownOrdersAreRefusedAndCounted() {
    assertEquals("unknown order x", refusal(apply(new PayOrder("x", 1))));
    assertEquals("unknown order x", refusal(apply(new ShipOrder("x"))));
    assertEquals(2, book.state().refusedUnknownOrder());
    assertTrue(book.order("x").isEmpty());
  }

  @Test
  void replaceWithRestoresEveryThingIncludingCounters() {
    apply(place("o1"));
    apply(new PayOrder("nope", 1));
    OrderBookState saved = book.state();
    OrderBook other = new OrderBook();
    other.replaceWith(saved);
    assertEquals(saved, other.state());
  }
}
