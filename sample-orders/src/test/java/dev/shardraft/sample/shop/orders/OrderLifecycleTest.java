package dev.shardraft.sample.shop.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.port.StateMachine.Result;
import dev.shardraft.sample.shop.domain.Refusal;
import dev.shardraft.sample.shop.orders.OrderCommand.Cancel;
import dev.shardraft.sample.shop.orders.OrderCommand.ConfirmStock;
import dev.shardraft.sample.shop.orders.OrderCommand.Pay;
import dev.shardraft.sample.shop.orders.OrderCommand.Place;
import dev.shardraft.sample.shop.orders.OrderCommand.RejectStock;
import dev.shardraft.sample.shop.orders.OrderCommand.Ship;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The order lifecycle as a table: a history of commands, then one more, and what that last one does
 * (the status it leads to, or the refusal and a word of its reason). Every command goes through the
 * state machine's codecs, as in the Raft log.
 */
class OrderLifecycleTest {

  static final Place PLACE =
      new Place("o1", "alice", List.of(new OrderLine("sku-a", 2), new OrderLine("sku-b", 1)), 900);
  static final ConfirmStock CONFIRM = new ConfirmStock("o1");
  static final RejectStock REJECT = new RejectStock("o1", "out of sku-a");
  static final Pay PAY = new Pay("o1", 900);
  static final Ship SHIP = new Ship("o1");
  static final Cancel CANCEL = new Cancel("o1", "changed my mind");

  static List<OrderCommand> h(OrderCommand... cs) {
    return Arrays.asList(cs);
  }

  static Arguments ok(List<OrderCommand> history, OrderCommand last, OrderStatus to) {
    return Arguments.of(history, last, to, null, null);
  }

  static Arguments no(List<OrderCommand> history, OrderCommand last, Refusal r, String why) {
    return Arguments.of(history, last, null, r, why);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        ok(h(), PLACE, OrderStatus.PLACED),
        ok(h(PLACE), CONFIRM, OrderStatus.RESERVED),
        ok(h(PLACE), REJECT, OrderStatus.REJECTED),
        ok(h(PLACE, CONFIRM), PAY, OrderStatus.PAID),
        ok(h(PLACE, CONFIRM, PAY), SHIP, OrderStatus.SHIPPED),
        ok(h(PLACE), CANCEL, OrderStatus.CANCELLED),
        ok(h(PLACE, CONFIRM), CANCEL, OrderStatus.CANCELLED),
        ok(h(PLACE, CONFIRM, PAY), CANCEL, OrderStatus.CANCELLED),
        // a repeated place with the same content is answered with the order as it is
        ok(h(PLACE, CONFIRM), PLACE, OrderStatus.RESERVED),
        no(h(), CONFIRM, Refusal.NOT_FOUND, "no order"),
        no(h(), PAY, Refusal.NOT_FOUND, "no order"),
        no(h(), SHIP, Refusal.NOT_FOUND, "no order"),
        no(h(), CANCEL, Refusal.NOT_FOUND, "no order"),
        no(h(PLACE), new Place("o1", "bob", PLACE.lines(), 900), Refusal.CONFLICT, "other"),
        no(h(PLACE), PAY, Refusal.CONFLICT, "before the stock"),
        no(h(PLACE), SHIP, Refusal.CONFLICT, "unpaid"),
        no(h(PLACE, CONFIRM), SHIP, Refusal.CONFLICT, "unpaid"),
        no(h(PLACE, CONFIRM), new Pay("o1", 899), Refusal.CONFLICT, "does not match"),
        no(h(PLACE, CONFIRM), CONFIRM, Refusal.CONFLICT, "already decided"),
        no(h(PLACE, CONFIRM), REJECT, Refusal.CONFLICT, "already decided"),
        no(h(PLACE, CONFIRM, PAY), PAY, Refusal.CONFLICT, "already paid"),
        no(h(PLACE, CONFIRM, PAY, SHIP), SHIP, Refusal.CONFLICT, "nothing more"),
        no(h(PLACE, CONFIRM, PAY, SHIP), CANCEL, Refusal.CONFLICT, "nothing more"),
        no(h(PLACE, CANCEL), CONFIRM, Refusal.CONFLICT, "nothing more"),
        no(h(PLACE, CANCEL), PAY, Refusal.CONFLICT, "nothing more"),
        no(h(PLACE, CANCEL), CANCEL, Refusal.CONFLICT, "nothing more"),
        no(h(PLACE, REJECT), PAY, Refusal.CONFLICT, "nothing more"),
        no(h(PLACE, REJECT), CANCEL, Refusal.CONFLICT, "nothing more"));
  }

  @ParameterizedTest(name = "{0} then {1}")
  @MethodSource("table")
  void lifecycle(
      List<OrderCommand> history,
      OrderCommand last,
      OrderStatus to,
      Refusal refusal,
      String reason) {
    OrdersStateMachine m = new OrdersStateMachine();
    long index = 0;
    for (OrderCommand c : history) {
      assertInstanceOf(OrderReply.Accepted.class, apply(m, index++, c).reply(), "history " + c);
    }
    OrderBookState before = m.state();
    Result<OrderReply> r = apply(m, index, last);
    if (to != null) {
      OrderReply.Accepted a = assertInstanceOf(OrderReply.Accepted.class, r.reply());
      assertEquals(to, a.order().status());
      boolean repeat = last instanceof Place && !history.isEmpty();
      assertEquals(repeat ? 0 : 1, r.events().size(), "one event per change: " + r.events());
    } else {
      OrderReply.Refused f = assertInstanceOf(OrderReply.Refused.class, r.reply());
      assertEquals(refusal, f.refusal());
      assertTrue(f.reason().contains(reason), f.reason());
      assertTrue(r.events().isEmpty());
      List<Order> unchanged = new ArrayList<>();
      for (Order o : m.state().orders()) {
        unchanged.add(
            new Order(
                o.orderId(),
                o.customer(),
                o.lines(),
                o.amountCents(),
                o.status(),
                o.reason(),
                o.audit().stream().filter(AuditEntry::accepted).toList()));
      }
      List<Order> was = new ArrayList<>();
      for (Order o : before.orders()) {
        was.add(
            new Order(
                o.orderId(),
                o.customer(),
                o.lines(),
                o.amountCents(),
                o.status(),
                o.reason(),
                o.audit().stream().filter(AuditEntry::accepted).toList()));
      }
      assertEquals(was, unchanged, "a refusal changes nothing but the audit");
    }
  }

  private static Result<OrderReply> apply(OrdersStateMachine m, long index, OrderCommand c) {
    OrderCommand decoded = m.commandCodec().decode(m.commandCodec().encode(c));
    Result<OrderReply> r = m.apply(index, decoded);
    OrderReply reply = m.replyCodec().decode(m.replyCodec().encode(r.reply()));
    return new Result<>(reply, r.events());
  }

  @Test
  void aSnapshotRestoresTheSameStateAndEventsAreJson() {
    OrdersStateMachine m = new OrdersStateMachine();
    Result<OrderReply> placed = m.apply(0, PLACE);
    m.apply(1, CONFIRM);
    m.apply(2, new Pay("o1", 1)); // refused, audited
    OrdersStateMachine copy = new OrdersStateMachine();
    copy.restore(m.snapshot());
    assertEquals(m.state(), copy.state());
    assertEquals(3, copy.state().orders().get(0).audit().size());
    String json =
        new String(placed.events().get(0).payload(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(json.startsWith("{\"type\":\"OrderPlaced\",\"orderId\":\"o1\""), json);
    assertEquals("OrderPlaced", placed.events().get(0).type());
  }

  @Test
  void malformedCommandsAreRefusedAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> new Place("o", "c", List.of(), 1));
    assertThrows(IllegalArgumentException.class, () -> new Place(" ", "c", PLACE.lines(), 1));
    assertThrows(IllegalArgumentException.class, () -> new Place("o", "c", PLACE.lines(), -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Place("o", "c", List.of(new OrderLine("a", 1), new OrderLine("a", 2)), 1));
    assertThrows(IllegalArgumentException.class, () -> new OrderLine("a", 0));
    OrdersStateMachine m = new OrdersStateMachine();
    assertThrows(
        IllegalArgumentException.class, () -> m.commandCodec().decode(new byte[] {1, 2, 3}));
  }
}
