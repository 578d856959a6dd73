package dev.shardraft.sample.orders;

import dev.shardraft.raft.port.StateMachine.Codec;

/** The codecs of the order book: commands and replies in the log, events, snapshots, queries. */
public final class OrderCodecs {

  public static final Codec<OrderCommand> COMMANDS = new JacksonCborCodec<>(OrderCommand.class);
  public static final Codec<OrderReply> REPLIES = new JacksonCborCodec<>(OrderReply.class);
  public static final Codec<OrderEvent> EVENTS = new JacksonCborCodec<>(OrderEvent.class);
  public static final Codec<OrderBookState> SNAPSHOTS =
      new JacksonCborCodec<>(OrderBookState.class);
  public static final Codec<OrderQuery> QUERIES = new JacksonCborCodec<>(OrderQuery.class);
  public static final Codec<OrderQueryResult> QUERY_RESULTS =
      new JacksonCborCodec<>(OrderQueryResult.class);

  private OrderCodecs() {}
}
