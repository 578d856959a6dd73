package dev.shardraft.sample.shop.orders;

import dev.shardraft.raft.port.StateMachine.Codec;
import dev.shardraft.sample.shop.domain.JacksonCborCodec;
import dev.shardraft.sample.shop.domain.JsonCodec;

/** The codecs of an orders group: CBOR in the log and snapshots, JSON for events. */
public final class OrderCodecs {

  public static final Codec<OrderCommand> COMMANDS = new JacksonCborCodec<>(OrderCommand.class);
  public static final Codec<OrderReply> REPLIES = new JacksonCborCodec<>(OrderReply.class);
  public static final Codec<OrderEvent> EVENTS = new JsonCodec<>(OrderEvent.class);
  public static final Codec<OrderBookState> SNAPSHOTS =
      new JacksonCborCodec<>(OrderBookState.class);
  public static final Codec<OrderQuery> QUERIES = new JacksonCborCodec<>(OrderQuery.class);
  public static final Codec<OrderQueryResult> QUERY_RESULTS =
      new JacksonCborCodec<>(OrderQueryResult.class);

  private OrderCodecs() {}
}
