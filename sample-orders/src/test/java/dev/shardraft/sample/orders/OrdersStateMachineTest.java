package dev.shardraft.sample.orders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shardraft.raft.core.AppliedEntry;
import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.apply.Applier;
import dev.shardraft.raft.core.apply.ApplyResult;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.StateMachine;
import dev.shardraft.raft.port.TailEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrdersStateMachineTest {

  @Test
  void acceptedCommandsYieldOneEventKeyedByOrderIdAndRefusedOnesNone() {
    OrdersStateMachine m = new OrdersStateMachine();
    StateMachine.Result<OrderReply> placed = m.apply(0, OrderBookTest.place("o1"));
    assertEquals(1, placed.events().size());
    StateMachine.DomainEvent e = placed.events().get(0);
    assertEquals("o1", e.key());
    assertEquals("OrderPlaced", e.type());
    assertInstanceOf(OrderEvent.OrderPlaced.class, OrderCodecs.EVENTS.decode(e.payload()));
    assertEquals(List.of(), m.apply(1, new OrderCommand.ShipOrder("o1")).events());
  }

  @Test
  void aSnapshotRestoresTheSameStateInAFreshMachine() {
    OrdersStateMachine m = new OrdersStateMachine();
    m.apply(0, OrderBookTest.place("o1"));
    m.apply(1, new OrderCommand.PayOrder("o1", 2_800));
    m.apply(2, OrderBookTest.place("o2"));
    m.apply(3, new OrderCommand.CancelOrder("o2", "r"));
    OrdersStateMachine fresh = new OrdersStateMachine();
    fresh.restore(m.snapshot());
    assertEquals(m.state(), fresh.state());
    assertArrayEquals(m.snapshot(), fresh.snapshot(), "same bytes: the encoding is canonical");
    assertEquals(
        new OrderReply.Accepted("o1", OrderStatus.SHIPPED),
        fresh.apply(4, new OrderCommand.ShipOrder("o1")).reply());
  }

  @Test
  void queriesAnswerFromTheAppliedStateAndRefuseGarbage() {
    OrdersStateMachine m = new OrdersStateMachine();
    m.apply(7, OrderBookTest.place("o1"));
    OrderQueryResult found =
        OrderCodecs.QUERY_RESULTS.decode(
            m.query(OrderCodecs.QUERIES.encode(new OrderQuery.GetOrder("o1"))));
    assertEquals(
        OrderStatus.PLACED,
        assertInstanceOf(OrderQueryResult.OrderFound.class, found).order().status());
    assertEquals(
        new OrderQueryResult.OrderNotFound("x"),
        OrderCodecs.QUERY_RESULTS.decode(
            m.query(OrderCodecs.QUERIES.encode(new OrderQuery.GetOrder("x")))));
    assertEquals(
        new OrderQueryResult.Book(m.state()),
        OrderCodecs.QUERY_RESULTS.decode(
            m.query(OrderCodecs.QUERIES.encode(new OrderQuery.AllOrders()))));
    assertThrows(IllegalArgumentException.class, () -> m.query(new byte[] {1, 2, 3}));
  }

  @Test
  void underTheRaftApplierARetryIsAnsweredFromTheSessionAndGarbageIsRejected() {
    Applier<OrderCommand, OrderReply> applier = new Applier<>(new OrdersStateMachine(), 1_000);
    byte[] place = OrderCodecs.COMMANDS.encode(OrderBookTest.place("o1"));
    ApplyResult first = applier.apply(command(0, "c1", 1, place)).orElseThrow();
    ApplyResult retry = applier.apply(command(1, "c1", 1, place)).orElseThrow();
    CommandOutcome.Success s1 = success(first);
    CommandOutcome.Success s2 = success(retry);
    assertEquals(false, s1.duplicate());
    assertEquals(true, s2.duplicate());
    assertEquals(s1.index(), s2.index());
    assertEquals(
        new OrderReply.Accepted("o1", OrderStatus.PLACED),
        OrderCodecs.REPLIES.decode(s2.reply().toArray()));
    assertEquals(1, first.events().size());
    assertEquals(0, retry.events().size());

    ApplyResult garbage = applier.apply(command(2, "c1", 2, new byte[] {9, 9})).orElseThrow();
    CommandOutcome o = ((AppliedEntry.CommandDecided) garbage.what()).outcome();
    assertInstanceOf(CommandOutcome.Rejected.class, o);
  }

  private static TailEvent command(long index, String client, long seq, byte[] payload) {
    return new TailEvent.Committed(
        index, new LogEntry(1, "r1", new LogEntry.Command(client, seq, Bytes.of(payload))));
  }

  private static CommandOutcome.Success success(ApplyResult r) {
    return assertInstanceOf(
        CommandOutcome.Success.class, ((AppliedEntry.CommandDecided) r.what()).outcome());
  }
}
