package dev.shardraft.raft.core.apply;

import dev.shardraft.raft.core.AppliedEntry;
import dev.shardraft.raft.core.RaftInput;
import dev.shardraft.raft.port.StateMachine.DomainEvent;
import java.util.List;

/**
 * What the {@link Applier} did at one log position.
 *
 * @param index the log position
 * @param logTerm the highest entry term seen so far, this position included
 * @param what the decision, as the core consumes it
 * @param events domain events of an applied command (empty otherwise)
 */
public record ApplyResult(long index, long logTerm, AppliedEntry what, List<DomainEvent> events) {
  public ApplyResult {
    events = List.copyOf(events);
  }

  /** The input to feed the replica's core. */
  public RaftInput.Applied toInput(long nowMs) {
    return new RaftInput.Applied(nowMs, index, logTerm, what);
  }
}
