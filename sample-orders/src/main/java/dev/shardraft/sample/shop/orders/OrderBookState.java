package dev.shardraft.sample.shop.orders;

import java.util.List;

/**
 * The orders of one group as a value: what a snapshot holds and {@link OrderQuery.AllOrders}
 * answers.
 *
 * @param orders every order, sorted by id
 * @param commandsApplied how many commands were applied (accepted or refused)
 */
public record OrderBookState(List<Order> orders, long commandsApplied) {

  public OrderBookState {
    orders = List.copyOf(orders);
  }
}
