package dev.shardraft.raft.core;

import java.util.List;

/**
 * The result of one {@link RaftCore#step}: the next state and the effects to execute, in order (see
 * {@link Effect} for how).
 */
public record Transition(RaftState next, List<Effect> effects) {
  public Transition {
    effects = List.copyOf(effects);
  }
}
