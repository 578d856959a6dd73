/**
 * The sample application: an order book as a replicated state machine.
 *
 * <p>{@link dev.shardraft.sample.orders.OrderCommand}s (place, pay, ship, cancel) are applied by
 * {@link dev.shardraft.sample.orders.OrderBook}'s deterministic business rules (a duplicate order
 * id is refused, an unpaid order cannot ship, a cancelled order cannot be paid, ...), each giving
 * an {@link dev.shardraft.sample.orders.OrderReply} and, when accepted, one {@link
 * dev.shardraft.sample.orders.OrderEvent}. Every order keeps an audit of the commands applied to
 * it, so a replica's state itself shows whether a command was applied once, twice or never. {@link
 * dev.shardraft.sample.orders.OrdersStateMachine} adapts the book to the Raft replica's {@code
 * QueryableStateMachine} port; all encodings are Jackson CBOR with type names ({@link
 * dev.shardraft.sample.orders.OrderCodecs}), never Java serialization.
 */
package dev.shardraft.sample.orders;
