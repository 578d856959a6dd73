package dev.shardraft.raft.core;

/** What the applier did at one log position (see {@link RaftInput.Applied}). */
public sealed interface AppliedEntry {

  /** A leader's barrier was applied (not skipped). */
  record BarrierApplied(long term, String leaderId) implements AppliedEntry {}

  /**
   * A command entry was decided: applied, answered from the session (duplicate), or refused
   * deterministically (stale sequence, unknown session, undecodable payload).
   */
  record CommandDecided(String clientId, long sequence, CommandOutcome outcome)
      implements AppliedEntry {}

  /**
   * The position was skipped: an entry whose term is lower than a term already seen, or an
   * undecodable record. Skipped identically on every replica.
   */
  record Skipped(String reason) implements AppliedEntry {}
}
