package dev.shardraft.sample.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.shardraft.raft.port.StateMachine.Codec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderCodecsTest {

  private static <T> void roundTrips(Codec<T> codec, T value) {
    assertEquals(value, codec.decode(codec.encode(value)), "round trip of " + value);
  }

  @Test
  void everyCommandReplyEventQueryAndStateRoundTrips() {
    OrderCommand.PlaceOrder place = OrderBookTest.place("o1");
    roundTrips(OrderCodecs.COMMANDS, place);
    roundTrips(OrderCodecs.COMMANDS, new OrderCommand.PayOrder("o1", 2_800));
    roundTrips(OrderCodecs.COMMANDS, new OrderCommand.ShipOrder("o1"));
    roundTrips(OrderCodecs.COMMANDS, new OrderCommand.CancelOrder("o1", "why"));
    roundTrips(OrderCodecs.REPLIES, new OrderReply.Accepted("o1", OrderStatus.PAID));
    roundTrips(OrderCodecs.REPLIES, new OrderReply.Refused("o1", "no"));
    roundTrips(OrderCodecs.EVENTS, new OrderEvent.OrderPlaced("o1", "a", place.lines(), 2_800));
    roundTrips(OrderCodecs.EVENTS, new OrderEvent.OrderPaid("o1", 2_800));
    roundTrips(OrderCodecs.EVENTS, new OrderEvent.OrderShipped("o1"));
    roundTrips(OrderCodecs.EVENTS, new OrderEvent.OrderCancelled("o1", "r", 5));
    roundTrips(OrderCodecs.QUERIES, new OrderQuery.GetOrder("o1"));
    roundTrips(OrderCodecs.QUERIES, new OrderQuery.AllOrders());
    OrderBook book = new OrderBook();
    book.apply(3, place);
    book.apply(5, new OrderCommand.ShipOrder("o1"));
    roundTrips(OrderCodecs.SNAPSHOTS, book.state());
    roundTrips(OrderCodecs.QUERY_RESULTS, new OrderQueryResult.Book(book.state()));
    roundTrips(
        OrderCodecs.QUERY_RESULTS, new OrderQueryResult.OrderFound(book.order("o1").orElseThrow()));
    roundTrips(OrderCodecs.QUERY_RESULTS, new OrderQueryResult.OrderNotFound("x"));
  }

  @Test
  void typesTravelAsNamesNotClassNames() {
    String text =
        new String(
            OrderCodecs.COMMANDS.encode(new OrderCommand.ShipOrder("o1")),
            StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("ship"), text);
    assertTrue(!text.contains("dev.shardraft"), "no class name in " + text);
  }

  private static IllegalArgumentException malformed(Codec<?> codec, byte[] bytes) {
    return assertThrows(
        IllegalArgumentException.class,
        () -> codec.decode(bytes),
        "decoding " + Arrays.toString(bytes));
  }

  private static byte[] cbor(Map<String, Object> value) throws Exception {
    return new CBORMapper().writeValueAsBytes(value);
  }

  @Test
  void malformedPayloadsAreIllegalArgumentsWithAClearMessage() throws Exception {
    assertTrue(
        malformed(OrderCodecs.COMMANDS, new byte[0])
            .getMessage()
            .contains("malformed OrderCommand"));
    assertTrue(
        malformed(OrderCodecs.COMMANDS, "not cbor".getBytes(StandardCharsets.UTF_8))
            .getMessage()
            .startsWith("malformed OrderCommand"));
    assertTrue(
        malformed(OrderCodecs.COMMANDS, new byte[] {(byte) 0xbf})
            .getMessage()
            .startsWith("malformed OrderCommand"),
        "truncated map");

    Map<String, Object> unknownType = new LinkedHashMap<>();
    unknownType.put("type", "refund");
    unknownType.put("orderId", "o1");
    assertTrue(malformed(OrderCodecs.COMMANDS, cbor(unknownType)).getMessage().contains("refund"));

    Map<String, Object> missing = new LinkedHashMap<>();
    missing.put("type", "pay");
    missing.put("orderId", "o1");
    malformed(OrderCodecs.COMMANDS, cbor(missing)); // no amountCents

    Map<String, Object> blank = new LinkedHashMap<>();
    blank.put("type", "ship");
    blank.put("orderId", " ");
    malformed(OrderCodecs.COMMANDS, cbor(blank)); // refused by the record's constructor

    Map<String, Object> noLines = new LinkedHashMap<>();
    noLines.put("type", "place");
    noLines.put("orderId", "o1");
    noLines.put("customer", "c");
    noLines.put("lines", List.of());
    malformed(OrderCodecs.COMMANDS, cbor(noLines));

    byte[] valid = OrderCodecs.COMMANDS.encode(new OrderCommand.ShipOrder("o1"));
    byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
    malformed(OrderCodecs.COMMANDS, trailing);

    malformed(OrderCodecs.SNAPSHOTS, valid); // a command is not a snapshot
  }
}
