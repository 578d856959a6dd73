package dev.shardraft.raft.core;

import dev.shardraft.raft.core.RaftMessage.PreVoteRequest;
import dev.shardraft.raft.core.RaftMessage.PreVoteResponse;
import dev.shardraft.raft.core.RaftMessage.VoteRequest;
import dev.shardraft.raft.core.RaftMessage.VoteResponse;
import dev.shardraft.raft.core.Role.Candidate;
import dev.shardraft.raft.core.Role.Follower;
import dev.shardraft.raft.core.Role.PreCandidate;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Election behaviour: election timeout, pre-vote (§9.6), RequestVote (§5.2, §5.4.1). */
final class Elections {
  private Elections() {}

  /** The election timer fired. Early (stale) fires re-arm the timer at the real deadline. */
  static void onElectionTimeout(StepContext ctx) {
    if (ctx.role() instanceof Role.Leader || Quiescence.ignoresElectionTimeout(ctx)) {
      return;
    }
    if (ctx.now < ctx.state().electionDeadlineMs()) {
      ctx.startTimer(TimerKey.ELECTION, ctx.state().electionDeadlineMs());
      return;
    }
    if (ctx.role() instanceof Candidate && !ctx.state().isDurable()) {
      // Its own vote is still being saved and no RequestVote has left yet: a new election now
      // would only start another save. It waits; onDurable arms the wait for votes.
      ctx.resetElectionTimer();
      return;
    }
    startPreVote(ctx);
  }

  /** Becomes a pre-candidate for term + 1 without touching term or vote. */
  static void startPreVote(StepContext ctx) {
    ctx.become(new PreCandidate(Set.of(ctx.self())));
    ctx.resetElectionTimer();
    ctx.setElectionsWithoutLeader(ctx.state().electionsWithoutLeader() + 1);
    RaftState s = ctx.state();
    for (String peer : ctx.config().peers()) {
      ctx.send(peer, new PreVoteRequest(s.term() + 1, ctx.self(), s.logTerm(), s.appliedIndex()));
    }
    if (ctx.config().quorum() <= 1) {
      becomeCandidate(ctx, false);
    }
  }

  /** Term + 1, vote for self (persisted), RequestVote to every peer (held until durable). */
  static void becomeCandidate(StepContext ctx, boolean transfer) {
    RaftState s = ctx.state();
    ctx.setTermVote(s.term() + 1, Optional.of(ctx.self()));
    ctx.become(new Candidate(Set.of(), transfer));
    ctx.resetElectionTimer();
    RaftState n = ctx.state();
    for (String peer : ctx.config().peers()) {
      ctx.send(
          peer, new VoteRequest(n.term(), ctx.self(), n.logTerm(), n.appliedIndex(), transfer));
    }
    maybeWin(ctx);
  }

  /**
   * The term and vote became durable. A candidate's RequestVotes leave only now, so its wait for
   * votes starts now too: its election timer is armed again. Otherwise a save slower than the
   * election timeout (a cold or overloaded node) would end every candidacy before a vote could
   * arrive.
   */
  static void onDurable(StepContext ctx, boolean wasDurable) {
    if (!wasDurable && ctx.state().isDurable() && ctx.role() instanceof Candidate) {
      ctx.resetElectionTimer();
    }
  }

  /** A candidate whose own vote is durable and that holds a quorum becomes leader. */
  static void maybeWin(StepContext ctx) {
    if (!(ctx.role() instanceof Candidate c) || !ctx.state().isDurable()) {
      return;
    }
    if (c.granted().size() + 1 >= ctx.config().quorum()) {
      Leadership.becomeLeader(ctx);
    }
  }

  /**
   * Pre-vote: granted when the proposed term is above ours, the candidate's applied log is up to
   * date, and we are not inside a live leader's lease. Never changes our term or vote.
   */
  static void onPreVoteRequest(StepContext ctx, PreVoteRequest m) {
    RaftState s = ctx.state();
    boolean grant =
        m.term() > s.term()
            && !Leases.inLease(ctx)
            && UpToDate.candidateIsUpToDate(m.lastLogTerm(), m.lastLogIndex(), s);
    ctx.send(m.from(), new PreVoteResponse(s.term(), ctx.self(), grant));
  }

  static void onPreVoteResponse(StepContext ctx, PreVoteResponse m) {
    if (!(ctx.role() instanceof PreCandidate p) || !m.granted()) {
      return;
    }
    Set<String> granted = new HashSet<>(p.granted());
    granted.add(m.from());
    ctx.update(new PreCandidate(granted));
    if (granted.size() >= ctx.config().quorum()) {
      becomeCandidate(ctx, false);
    }
  }

  /**
   * RequestVote at our term (the term check already ran): one vote per term, only to an up-to-date
   * candidate. A granted vote is persisted; the response waits in the outbox until it is durable.
   */
  static void onVoteRequest(StepContext ctx, VoteRequest m) {
    RaftState s = ctx.state();
    boolean free = s.votedFor().isEmpty() || s.votedFor().get().equals(m.from());
    boolean grant =
        !(ctx.role() instanceof Role.Leader)
            && free
            && UpToDate.candidateIsUpToDate(m.lastLogTerm(), m.lastLogIndex(), s);
    if (grant) {
      ctx.setTermVote(s.term(), Optional.of(m.from()));
      ctx.resetElectionTimer();
    }
    ctx.send(m.from(), new VoteResponse(s.term(), ctx.self(), grant));
  }

  static void onVoteResponse(StepContext ctx, VoteResponse m) {
    if (!(ctx.role() instanceof Candidate c) || !m.granted() || m.term() != ctx.state().term()) {
      return;
    }
    Set<String> granted = new HashSet<>(c.granted());
    granted.add(m.from());
    ctx.update(new Candidate(granted, c.transfer()));
    maybeWin(ctx);
  }

  /** Leadership transfer target: campaign at once, skipping pre-vote. */
  static void onTimeoutNow(StepContext ctx, RaftMessage.TimeoutNow m) {
    if (ctx.role() instanceof Follower && m.term() == ctx.state().term()) {
      becomeCandidate(ctx, true);
    }
  }
}
