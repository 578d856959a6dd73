package dev.shardraft.sample.shop.orders;

import dev.shardraft.raft.port.StateMachine.Codec;
import dev.shardraft.sample.shop.domain.JacksonCodec;

/** The codecs of an orders group: CBOR in the log and snapshots, JSON for events. */
public final class OrderCodecs {

  public static final Codec<OrderCommand> COMMANDS = JacksonCodec.cbor(OrderCommand.class);
  public static final Codec<OrderReply> REPLIES = JacksonCodec.cbor(OrderReply.class);
  public static final Codec<OrderEvent> EVENTS = JacksonCodec.json(OrderEvent.class);
  public static final Codec<OrderBookState> SNAPSHOTS = JacksonCodec.cbor(OrderBookState.class);
  public static final Codec<OrderQuery> QUERIES = JacksonCodec.cbor(OrderQuery.class);
  public static final Codec<OrderQueryResult> QUERY_RESULTS =
      JacksonCodec.cbor(OrderQueryResult.class);

  private OrderCodecs() {}
}
