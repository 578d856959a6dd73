package dev.shardraft.sample.shop.inventory;

import dev.shardraft.raft.port.QueryableStateMachine;
import java.util.List;

/** An {@code inventory-<k>} group's replicated state machine: {@link InventoryBook}'s rules. */
public final class InventoryStateMachine
    implements QueryableStateMachine<InventoryCommand, InventoryReply> {

  private final InventoryBook book = new InventoryBook();

  @Override
  public Result<InventoryReply> apply(long index, InventoryCommand command) {
    return new Result<>(book.apply(command), List.of());
  }

  @Override
  public byte[] snapshot() {
    return InventoryCodecs.SNAPSHOTS.encode(book.state());
  }

  @Override
  public void restore(byte[] snapshot) {
    book.replaceWith(InventoryCodecs.SNAPSHOTS.decode(snapshot));
  }

  @Override
  public Codec<InventoryCommand> commandCodec() {
    return InventoryCodecs.COMMANDS;
  }

  @Override
  public Codec<InventoryReply> replyCodec() {
    return InventoryCodecs.REPLIES;
  }

  @Override
  public byte[] query(byte[] query) {
    InventoryQuery q = InventoryCodecs.QUERIES.decode(query);
    InventoryQueryResult result;
    if (q instanceof InventoryQuery.GetStock g) {
      result =
          book.stock(g.sku())
              .<InventoryQueryResult>map(InventoryQueryResult.StockFound::new)
              .orElse(new InventoryQueryResult.StockNotFound(g.sku()));
    } else {
      result = new InventoryQueryResult.All(book.state());
    }
    return InventoryCodecs.QUERY_RESULTS.encode(result);
  }

  public InventoryState state() {
    return book.state();
  }
}
