package dev.shardraft.sample.shop.orders;

import dev.shardraft.raft.port.QueryableStateMachine;
import dev.shardraft.sample.shop.orders.OrderQueryResult.Book;
import dev.shardraft.sample.shop.orders.OrderQueryResult.OrderFound;
import dev.shardraft.sample.shop.orders.OrderQueryResult.OrderNotFound;
import java.util.List;

/**
 * An {@code orders-<k>} group's replicated state machine: {@link OrderBook}'s rules; each accepted
 * command yields one {@code DomainEvent} keyed by the order id, its JSON as payload. A query that
 * does not decode is an {@link IllegalArgumentException} (the replica answers a failed read).
 */
public final class OrdersStateMachine implements QueryableStateMachine<OrderCommand, OrderReply> {

  private final OrderBook book = new OrderBook();

  @Override
  public Result<OrderReply> apply(long index, OrderCommand command) {
    OrderBook.Decision d = book.apply(index, command);
    List<DomainEvent> events =
        d.event()
            .map(
                e ->
                    List.of(
                        new DomainEvent(e.orderId(), e.typeName(), OrderCodecs.EVENTS.encode(e))))
            .orElse(List.of());
    return new Result<>(d.reply(), events);
  }

  @Override
  public byte[] snapshot() {
    return OrderCodecs.SNAPSHOTS.encode(book.state());
  }

  @Override
  public void restore(byte[] snapshot) {
    book.replaceWith(OrderCodecs.SNAPSHOTS.decode(snapshot));
  }

  @Override
  public Codec<OrderCommand> commandCodec() {
    return OrderCodecs.COMMANDS;
  }

  @Override
  public Codec<OrderReply> replyCodec() {
    return OrderCodecs.REPLIES;
  }

  @Override
  public byte[] query(byte[] query) {
    OrderQuery q = OrderCodecs.QUERIES.decode(query);
    OrderQueryResult result;
    if (q instanceof OrderQuery.GetOrder g) {
      result =
          book.order(g.orderId())
              .<OrderQueryResult>map(OrderFound::new)
              .orElse(new OrderNotFound(g.orderId()));
    } else {
      result = new Book(book.state());
    }
    return OrderCodecs.QUERY_RESULTS.encode(result);
  }

  /** The state as a value (tests, the invariant check). */
  public OrderBookState state() {
    return book.state();
  }
}
