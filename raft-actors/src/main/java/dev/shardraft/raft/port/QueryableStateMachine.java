package dev.shardraft.raft.port;

/**
 * The read port of a replica: a {@link StateMachine} that can also answer queries from its applied
 * state. The replica's effect interpreter ({@code dev.shardraft.raft.driver.ReplicaDriver}) calls
 * {@link #query} only when the core allows the read (for a linearizable read: after the read index
 * is confirmed and applied).
 *
 * <p>In {@code port} (it was in the actor package) because the driver, shared by the actor shell
 * and the simulation, serves reads.
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
