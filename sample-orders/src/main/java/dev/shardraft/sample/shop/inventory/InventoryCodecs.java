package dev.shardraft.sample.shop.inventory;

import dev.shardraft.raft.port.StateMachine.Codec;
import dev.shardraft.sample.shop.domain.JacksonCodec;

/** The codecs of an inventory group (Jackson CBOR). */
public final class InventoryCodecs {

  public static final Codec<InventoryCommand> COMMANDS = JacksonCodec.cbor(InventoryCommand.class);
  public static final Codec<InventoryReply> REPLIES = JacksonCodec.cbor(InventoryReply.class);
  public static final Codec<InventoryState> SNAPSHOTS = JacksonCodec.cbor(InventoryState.class);
  public static final Codec<InventoryQuery> QUERIES = JacksonCodec.cbor(InventoryQuery.class);
  public static final Codec<InventoryQueryResult> QUERY_RESULTS =
      JacksonCodec.cbor(InventoryQueryResult.class);

  private InventoryCodecs() {}
}
