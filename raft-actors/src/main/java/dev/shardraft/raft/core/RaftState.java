package dev.shardraft.raft.core;

import dev.shardraft.raft.port.TermAndVote;
import java.util.List;
import java.util.Optional;

/**
 * Everything one replica's core knows, as an immutable value. Only {@link RaftCore} produces new
 * states; drivers keep the latest one and never change it.
 *
 * @param config static configuration
 * @param term current term (never decreases)
 * @param votedFor whom this replica voted for in {@code term}
 * @param durable the term and vote last confirmed durable ({@link RaftInput.TermVotePersisted});
 *     while it differs from {@code (term, votedFor)} every send waits in {@code outbox}
 * @param role the role in {@code term}
 * @param appliedIndex the last log position processed by the applier (-1: none)
 * @param logTerm the highest term of any entry applied so far (0: none)
 * @param electionDeadlineMs when a follower or candidate starts an election
 * @param rng the state of the random generator for election timeouts
 * @param outbox sends held until {@code durable} catches up
 * @param quiet the leader's quiescence bookkeeping (meaningless in other roles; reset when the
 *     replica becomes leader)
 * @param electionsWithoutLeader pre-votes this replica started since it last heard from a leader or
 *     led: its election timeout is stretched by 2^min(n, {@value
 *     StepContext#MAX_ELECTION_BACKOFF_SHIFT}) (see {@link StepContext#resetElectionTimer})
 */
public record RaftState(
    RaftConfig config,
    long term,
    Optional<String> votedFor,
    TermAndVote durable,
    Role role,
    long appliedIndex,
    long logTerm,
    long electionDeadlineMs,
    long rng,
    List<Effect.Send> outbox,
    Quiet quiet,
    int electionsWithoutLeader) {

  public RaftState {
    outbox = List.copyOf(outbox);
  }

  /**
   * A leader's quiescence state.
   *
   * @param activeAtMs the last time the leader saw its group not idle (it quiesces once idle for
   *     {@code quiesceAfterMs} since then)
   * @param quiesceRound the heartbeat round sent marked {@code quiesce}, -1 if none since the last
   *     activity; the leader stops once every peer acknowledged it
   * @param quiesced heartbeats and check-quorum are stopped
   */
  public record Quiet(long activeAtMs, long quiesceRound, boolean quiesced) {
    /** Not quiesced, active at {@code nowMs}. */
    public static Quiet activeAt(long nowMs) {
      return new Quiet(nowMs, -1, false);
    }
  }

  /**
   * True when the replica is quiesced: a leader that stopped heartbeats or a follower that stopped
   * its election timer.
   */
  public boolean isQuiesced() {
    if (role instanceof Role.Follower f) {
      return f.quiesced();
    }
    return role instanceof Role.Leader && quiet.quiesced();
  }

  /** The term and vote the replica currently holds (durable or not yet). */
  public TermAndVote termAndVote() {
    return new TermAndVote(term, votedFor);
  }

  /** True when the current term and vote are durable. */
  public boolean isDurable() {
    return durable.equals(termAndVote());
  }

  /** The leader this replica knows for its term, if any. */
  public Optional<String> leaderHint() {
    return role.leaderHint();
  }

  public boolean isLeader() {
    return role instanceof Role.Leader;
  }

  RaftState withRole(Role r) {
    return new RaftState(
        config,
        term,
        votedFor,
        durable,
        r,
        appliedIndex,
        logTerm,
        electionDeadlineMs,
        rng,
        outbox,
        quiet,
        electionsWithoutLeader);
  }

  RaftState withTermVote(long t, Optional<String> v) {
    return new RaftState(
        config,
        t,
        v,
        durable,
        role,
        appliedIndex,
        logTerm,
        electionDeadlineMs,
        rng,
        outbox,
        quiet,
        electionsWithoutLeader);
  }

  RaftState withDurable(TermAndVote d) {
    return new RaftState(
        config,
        term,
        votedFor,
        d,
        role,
        appliedIndex,
        logTerm,
        electionDeadlineMs,
        rng,
        outbox,
        quiet,
        electionsWithoutLeader);
  }

  RaftState withApplied(long index, long lt) {
    return new RaftState(
        config,
        term,
        votedFor,
        durable,
        role,
        index,
        lt,
        electionDeadlineMs,
        rng,
        outbox,
        quiet,
        electionsWithoutLeader);
  }

  RaftState withElectionDeadline(long deadline, long nextRng) {
    return new RaftState(
        config,
        term,
        votedFor,
        durable,
        role,
        appliedIndex,
        logTerm,
        deadline,
        nextRng,
        outbox,
        quiet,
        electionsWithoutLeader);
  }

  RaftState withQuiet(Quiet q) {
    return new RaftState(
        config,
        term,
        votedFor,
        durable,
        role,
        appliedIndex,
        logTerm,
        electionDeadlineMs,
        rng,
        outbox,
        q,
        electionsWithoutLeader);
  }

  RaftState withElectionsWithoutLeader(int n) {
    return new RaftState(
        config,
        term,
        votedFor,
        durable,
        role,
        appliedIndex,
        logTerm,
        electionDeadlineMs,
        rng,
        outbox,
        quiet,
        n);
  }

  RaftState withOutbox(List<Effect.Send> o) {
    return new RaftState(
        config,
        term,
        votedFor,
        durable,
        role,
        appliedIndex,
        logTerm,
        electionDeadlineMs,
        rng,
        o,
        quiet,
        electionsWithoutLeader);
  }
}
