package dev.shardraft.sample.shop.saga;

import dev.shardraft.runtime.ShardedRaft;
import dev.shardraft.sample.shop.inventory.InventoryCommand;
import dev.shardraft.sample.shop.inventory.InventoryReply;
import dev.shardraft.sample.shop.orders.OrderCommand;
import dev.shardraft.sample.shop.orders.OrderEvent;
import dev.shardraft.sample.shop.orders.OrderLine;
import dev.shardraft.sample.shop.orders.OrderReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What the saga does for one event of {@code orders-events}. Every command it sends is derived from
 * the event alone and is idempotent, so an event delivered again (a restart of the saga before its
 * offset was committed, a rebalance, a projection restart) changes nothing more:
 *
 * <table>
 *   <caption>event -> commands</caption>
 *   <tr><th>event</th><th>commands</th></tr>
 *   <tr><td>OrderPlaced</td><td>{@code Reserve(sku, orderId, q)} per line (a reservation is
 *       keyed by the order id: a repeat is answered as the first); then {@code ConfirmStock} if
 *       every line was reserved, else {@code RejectStock} with the first refusal's reason (both
 *       accepted only from PLACED: a repeat is refused and changes nothing)</td></tr>
 *   <tr><td>StockRejected, OrderCancelled</td><td>{@code Release(sku, orderId)} per line
 *       (idempotent; a release before any reserve leaves a mark that refuses a later reserve, so a
 *       re-delivered OrderPlaced after a cancellation can never take stock again)</td></tr>
 *   <tr><td>OrderShipped</td><td>{@code Commit(sku, orderId)} per line (idempotent)</td></tr>
 *   <tr><td>StockConfirmed, OrderPaid</td><td>none</td></tr>
 * </table>
 *
 * <p>Events of one order are handled one after another in log order (the caller's job), so a
 * cancellation's release always follows the reserves of its placement. A command whose outcome is
 * unknown (no leader in time, timeout: {@code ShardedRaftException}) fails the step; the caller
 * repeats the whole step, which is safe for the same reason.
 */
public final class SagaSteps {

  private final ShardedRaft<OrderCommand, OrderReply> orders;
  private final ShardedRaft<InventoryCommand, InventoryReply> inventory;
  private final Duration timeout;

  public SagaSteps(
      ShardedRaft<OrderCommand, OrderReply> orders,
      ShardedRaft<InventoryCommand, InventoryReply> inventory,
      Duration timeout) {
    this.orders = orders;
    this.inventory = inventory;
    this.timeout = timeout;
  }

  /** Carries out the commands of {@code event}; completes when all were answered. */
  public CompletionStage<Void> on(OrderEvent event) {
    if (event instanceof OrderEvent.OrderPlaced p) {
      return reserve(p);
    }
    if (event instanceof OrderEvent.StockRejected r) {
      return each(r.lines(), l -> new InventoryCommand.Release(l.sku(), r.orderId()));
    }
    if (event instanceof OrderEvent.OrderCancelled c) {
      return each(c.lines(), l -> new InventoryCommand.Release(l.sku(), c.orderId()));
    }
    if (event instanceof OrderEvent.OrderShipped s) {
      return each(s.lines(), l -> new InventoryCommand.Commit(l.sku(), s.orderId()));
    }
    return CompletableFuture.completedFuture(null); // StockConfirmed, OrderPaid: nothing to do
  }

  private CompletionStage<Void> reserve(OrderEvent.OrderPlaced p) {
    List<CompletableFuture<InventoryReply>> replies = new ArrayList<>();
    for (OrderLine l : p.lines()) {
      replies.add(
          inventory
              .ask(
                  l.sku(),
                  new InventoryCommand.Reserve(l.sku(), p.orderId(), l.quantity()),
                  timeout)
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
        .thenCompose(
            all -> {
              String refused =
                  replies.stream()
                      .map(CompletableFuture::join)
                      .filter(r -> r instanceof InventoryReply.Refused)
                      .map(r -> ((InventoryReply.Refused) r).reason())
                      .findFirst()
                      .orElse(null);
              OrderCommand next =
                  refused == null
                      ? new OrderCommand.ConfirmStock(p.orderId())
                      : new OrderCommand.RejectStock(p.orderId(), refused);
              // Refused (cancelled meanwhile, or a repeat): the order's own events decide the rest
              return orders.ask(p.orderId(), next, timeout).thenApply(reply -> (Void) null);
            });
  }

  private CompletionStage<Void> each(
      List<OrderLine> lines, Function<OrderLine, InventoryCommand> command) {
    List<CompletableFuture<InventoryReply>> all = new ArrayList<>();
    for (OrderLine l : lines) {
      all.add(inventory.ask(l.sku(), command.apply(l), timeout).toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }
}
