package dev.shardraft.raft.actor;

import dev.shardraft.raft.port.StateMachine;

/**
 * The read port of a replica: a {@link StateMachine} that can also answer queries from its applied
 * state. The replica actor calls {@link #query} only when the core allows the read (for a
 * linearizable read: after the read index is confirmed and applied).
 *
 * <p>Kept beside the actor (not in {@code port}) because only the actor shell serves reads; it may
 * move to {@code port} when another module needs it.
 *
 * @param <C> command type
 * @param <R> reply type
 */
public interface QueryableStateMachine<C, R> extends StateMachine<C, R> {

  /**
   * Answers {@code query} from the current state, without changing it. Encoding of query and result
   * is the state machine's own.
   *
   * @throws IllegalArgumentException for a query it cannot decode or answer
   */
  byte[] query(byte[] query);
}
