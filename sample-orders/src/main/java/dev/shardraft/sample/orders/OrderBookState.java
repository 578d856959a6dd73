package dev.shardraft.sample.orders;

import java.util.List;

/**
 * The whole order book as a value: what a snapshot holds and what {@link OrderQuery.AllOrders}
 * answers.
 *
 * @param orders every order, sorted by id
 * @param commandsApplied how many commands were applied (accepted or refused)
 * @param refusedUnknownOrder commands refused because their order did not exist
 */
public record OrderBookState(List<Order> orders, long commandsApplied, long refusedUnknownOrder) {

  public OrderBookState {
    orders = List.copyOf(orders);
  }
}
