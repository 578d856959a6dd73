package dev.shardraft.sample.shop.service;

import dev.shardraft.runtime.ShardedRaft;
import dev.shardraft.sample.shop.inventory.InventoryCommand;
import dev.shardraft.sample.shop.inventory.InventoryReply;
import dev.shardraft.sample.shop.orders.Order;
import dev.shardraft.sample.shop.orders.OrderCommand;
import dev.shardraft.sample.shop.orders.OrderLine;
import dev.shardraft.sample.shop.orders.OrderReply;
import dev.shardraft.sample.shop.orders.OrderStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The order workflow over the {@code orders} and {@code inventory} families, driven by the node
 * that serves the request (not yet by the events topics): place, then reserve every line in its
 * SKU's inventory group, then confirm (all reserved) or release everything and reject; a cancel
 * releases the order's reservations; a shipment commits them.
 *
 * <p>Every step is idempotent (a repeated place with the same content, a repeated reserve of the
 * same order, releases and commits), so a client that did not get an answer (its node died, a
 * timeout) repeats the same request on any node and the workflow goes on where it stopped. An order
 * whose workflow is never repeated after such a failure stays {@code PLACED}, possibly with
 * reservations: the events-topic saga (not built) is what would move it on by itself.
 */
public final class OrderService {

  private final ShardedRaft<OrderCommand, OrderReply> orders;
  private final ShardedRaft<InventoryCommand, InventoryReply> inventory;
  private final Duration timeout;

  public OrderService(
      ShardedRaft<OrderCommand, OrderReply> orders,
      ShardedRaft<InventoryCommand, InventoryReply> inventory,
      Duration timeout) {
    this.orders = orders;
    this.inventory = inventory;
    this.timeout = timeout;
  }

  /** Places the order and decides its stock: the reply names RESERVED, REJECTED or a refusal. */
  public CompletionStage<OrderReply> place(OrderCommand.Place place) {
    return orders
        .ask(place.orderId(), place, timeout)
        .thenCompose(
            reply -> {
              if (reply instanceof OrderReply.Accepted a
                  && a.order().status() == OrderStatus.PLACED) {
                return reserve(a.order());
              }
              return CompletableFuture.completedFuture(reply);
            });
  }

  private CompletionStage<OrderReply> reserve(Order order) {
    List<CompletableFuture<InventoryReply>> reserved = new ArrayList<>();
    for (OrderLine l : order.lines()) {
      reserved.add(
          inventory
              .ask(
                  l.sku(),
                  new InventoryCommand.Reserve(l.sku(), order.orderId(), l.quantity()),
                  timeout)
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(reserved.toArray(CompletableFuture[]::new))
        .thenCompose(
            all -> {
              String refused =
                  reserved.stream()
                      .map(CompletableFuture::join)
                      .filter(r -> r instanceof InventoryReply.Refused)
                      .map(r -> ((InventoryReply.Refused) r).reason())
                      .findFirst()
                      .orElse(null);
              if (refused == null) {
                return orders
                    .ask(order.orderId(), new OrderCommand.ConfirmStock(order.orderId()), timeout)
                    .thenCompose(
                        confirmed ->
                            confirmed instanceof OrderReply.Refused
                                // cancelled meanwhile: give the stock back
                                ? release(order).thenApply(x -> confirmed)
                                : CompletableFuture.completedFuture(confirmed));
              }
              return release(order)
                  .thenCompose(
                      x ->
                          orders.ask(
                              order.orderId(),
                              new OrderCommand.RejectStock(order.orderId(), refused),
                              timeout));
            });
  }

  /** Pays the order (no inventory step). */
  public CompletionStage<OrderReply> pay(String orderId, long amountCents) {
    return orders.ask(orderId, new OrderCommand.Pay(orderId, amountCents), timeout);
  }

  /** Cancels the order, then releases its reservations (also when it was cancelled before). */
  public CompletionStage<OrderReply> cancel(String orderId, String reason) {
    return orders
        .ask(orderId, new OrderCommand.Cancel(orderId, reason), timeout)
        .thenCompose(
            reply ->
                cancelled(reply)
                    ? release(order(reply)).thenApply(x -> reply)
                    : CompletableFuture.completedFuture(reply));
  }

  /** Ships the order, then commits its reservations (also when it was shipped before). */
  public CompletionStage<OrderReply> ship(String orderId) {
    return orders
        .ask(orderId, new OrderCommand.Ship(orderId), timeout)
        .thenCompose(
            reply ->
                in(reply, OrderStatus.SHIPPED)
                    ? commit(order(reply)).thenApply(x -> reply)
                    : CompletableFuture.completedFuture(reply));
  }

  private static boolean cancelled(OrderReply reply) {
    return in(reply, OrderStatus.CANCELLED);
  }

  private static boolean in(OrderReply reply, OrderStatus status) {
    if (reply instanceof OrderReply.Accepted a) {
      return a.order().status() == status;
    }
    return ((OrderReply.Refused) reply).order().map(o -> o.status() == status).orElse(false);
  }

  private static Order order(OrderReply reply) {
    return reply instanceof OrderReply.Accepted a
        ? a.order()
        : ((OrderReply.Refused) reply).order().orElseThrow();
  }

  private CompletableFuture<Void> release(Order order) {
    return each(order, l -> new InventoryCommand.Release(l.sku(), order.orderId()));
  }

  private CompletableFuture<Void> commit(Order order) {
    return each(order, l -> new InventoryCommand.Commit(l.sku(), order.orderId()));
  }

  private CompletableFuture<Void> each(
      Order order, java.util.function.Function<OrderLine, InventoryCommand> command) {
    List<CompletableFuture<InventoryReply>> all = new ArrayList<>();
    for (OrderLine l : order.lines()) {
      all.add(inventory.ask(l.sku(), command.apply(l), timeout).toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }
}
