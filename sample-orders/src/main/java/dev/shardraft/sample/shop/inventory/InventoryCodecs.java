package dev.shardraft.sample.shop.inventory;

import dev.shardraft.raft.port.StateMachine.Codec;
import dev.shardraft.sample.shop.domain.JacksonCborCodec;

/** The codecs of an inventory group (Jackson CBOR). */
public final class InventoryCodecs {

  public static final Codec<InventoryCommand> COMMANDS =
      new JacksonCborCodec<>(InventoryCommand.class);
  public static final Codec<InventoryReply> REPLIES = new JacksonCborCodec<>(InventoryReply.class);
  public static final Codec<InventoryState> SNAPSHOTS =
      new JacksonCborCodec<>(InventoryState.class);
  public static final Codec<InventoryQuery> QUERIES = new JacksonCborCodec<>(InventoryQuery.class);
  public static final Codec<InventoryQueryResult> QUERY_RESULTS =
      new JacksonCborCodec<>(InventoryQueryResult.class);

  private InventoryCodecs() {}
}
