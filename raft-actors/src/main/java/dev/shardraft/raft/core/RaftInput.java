package dev.shardraft.raft.core;

import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.TermAndVote;

/**
 * Everything that can happen to a replica, as data. Every input carries {@code nowMs}, the driver's
 * clock reading (monotonic milliseconds); the core never reads a clock.
 */
public sealed interface RaftInput {

  /** The driver's clock when the input happened. */
  long nowMs();

  /** A timer started by {@link Effect.StartTimer} fired. Stale or early fires are harmless. */
  record Timeout(long nowMs, TimerKey key) implements RaftInput {}

  /** A message from another replica of the group. */
  record Receive(long nowMs, RaftMessage message) implements RaftInput {}

  /**
   * A {@link Effect.PersistTermVote} completed: {@code termAndVote} is durable. Held sends are
   * released once the durable value equals the replica's current term and vote.
   */
  record TermVotePersisted(long nowMs, TermAndVote termAndVote) implements RaftInput {}

  /** {@code RaftLog.openWriter(term)} completed: older writers are fenced. */
  record WriterOpened(long nowMs, long term) implements RaftInput {}

  /** {@code RaftLog.openWriter(term)} failed. The leader of that term steps down. */
  record WriterOpenFailed(long nowMs, long term, String reason) implements RaftInput {}

  /** The append of the batch in flight for {@code term} committed at these indices. */
  record AppendCompleted(long nowMs, long term, java.util.List<Long> indices) implements RaftInput {
    public AppendCompleted {
      indices = java.util.List.copyOf(indices);
    }
  }

  /**
   * The append in flight for {@code term} failed. {@code fenced} means {@code LogFencedException}
   * (nothing of it will ever be visible); otherwise its outcome is unknown. Either way the leader
   * steps down.
   */
  record AppendFailed(long nowMs, long term, boolean fenced, String reason) implements RaftInput {}

  /**
   * The replica's applier processed the log position {@code index}, read from its own tail. Drivers
   * feed every tail position, skipped ones included, in index order.
   *
   * @param logTerm the highest term of any entry applied so far, this one included (the "last log
   *     term" of the up-to-date rule); a replica that sees a log term above its own adopts it
   * @param what what happened at this position
   */
  record Applied(long nowMs, long index, long logTerm, AppliedEntry what) implements RaftInput {}

  /**
   * A client command. {@code requestId} is chosen by the driver, unique per request, and echoed in
   * the {@link Effect.ReplyCommand} that answers it. Sequence 0 is a session registration; {@code
   * lowestUnacked} is the lowest sequence whose answer the client has not seen (0: the legacy
   * protocol); see {@code LogEntry.Command}.
   */
  record ClientCommand(
      long nowMs, long requestId, String clientId, long sequence, Bytes payload, long lowestUnacked)
      implements RaftInput {
    /** A command of the legacy protocol (no {@code lowestUnacked}). */
    public ClientCommand(
        long nowMs, long requestId, String clientId, long sequence, Bytes payload) {
      this(nowMs, requestId, clientId, sequence, payload, 0);
    }
  }

  /** A client read; answered by {@link Effect.ServeRead} or {@link Effect.RejectRead}. */
  record ClientRead(long nowMs, long requestId, ReadMode mode) implements RaftInput {}

  /**
   * Ask the leader to hand leadership to {@code target} (rolling restarts, balancing). Ignored,
   * with {@link Effect.TransferRefused}, by a non-leader or for an unknown target.
   */
  record TransferLeadership(long nowMs, String target) implements RaftInput {}

  /**
   * A failure detector outside the group (the runtime's per-node liveness) suspects that the
   * replica {@code leaderId} is gone. A quiesced follower of that leader wakes: it arms its
   * election timer and, unless the leader speaks again, runs a normal pre-vote election. Ignored
   * otherwise (a follower that is not quiesced has its own election timer). Only liveness depends
   * on it: a false suspicion costs at most an election.
   */
  record LeaderSuspected(long nowMs, String leaderId) implements RaftInput {}
}
