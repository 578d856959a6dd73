package dev.shardraft.raft.core;

import dev.shardraft.raft.port.TermAndVote;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scratch pad of one {@link RaftCore#step}: the state as it evolves and the effects collected
 * in their execution groups. Confined to one call; never escapes it.
 */
final class StepContext {
  /** At most 2^3 = 8 times the election timeout after repeated elections without a leader. */
  static final int MAX_ELECTION_BACKOFF_SHIFT = 3;

  final long now;
  private RaftState state;
  private long roleTerm;
  private final List<Effect> persists = new ArrayList<>();
  private final List<Effect> logOps = new ArrayList<>();
  private final List<Effect> sends = new ArrayList<>();
  private final List<Effect> answers = new ArrayList<>();
  private final Map<TimerKey, Effect> timers = new LinkedHashMap<>();

  StepContext(RaftState state, long now) {
    this.state = state;
    this.now = now;
    this.roleTerm = state.term();
  }

  RaftState state() {
    return state;
  }

  RaftConfig config() {
    return state.config();
  }

  String self() {
    return state.config().self();
  }

  Role role() {
    return state.role();
  }

  /** Changes the role through the transition validator. */
  void become(Role next) {
    RaftState s = state;
    boolean votedSelf = s.votedFor().filter(self()::equals).isPresent();
    boolean durableSelf = votedSelf && s.isDurable();
    RoleTransitions.validate(s.role(), roleTerm, next, s.term(), votedSelf, durableSelf);
    state = s.withRole(next);
    roleTerm = s.term();
  }

  /** Replaces the role's data without changing role or term (not a transition). */
  void update(Role sameRole) {
    if (sameRole.getClass() != state.role().getClass()) {
      throw new IllegalStateException("update must keep the role: " + sameRole.name());
    }
    state = state.withRole(sameRole);
  }

  /**
   * Sets term and vote and asks for their persistence. A term increase drops held sends of lower
   * terms (they are stale; dropping a message is always safe).
   */
  void setTermVote(long term, Optional<String> vote) {
    if (term < state.term()) {
      throw new IllegalStateException("term would decrease from " + state.term() + " to " + term);
    }
    if (term == state.term() && vote.equals(state.votedFor())) {
      return;
    }
    if (term == state.term() && state.votedFor().isPresent()) {
      throw new IllegalStateException(
          "already voted for " + state.votedFor().get() + " in term " + term);
    }
    if (term > state.term()) {
      state =
          state.withOutbox(
              state.outbox().stream().filter(s -> s.message().term() >= term).toList());
    }
    state = state.withTermVote(term, vote);
    persists.add(new Effect.PersistTermVote(new TermAndVote(term, vote)));
  }

  void durableConfirmed(TermAndVote tv) {
    TermAndVote d = state.durable();
    boolean newer = tv.term() > d.term() || (tv.term() == d.term() && tv.votedFor().isPresent());
    if (newer) {
      state = state.withDurable(tv);
    }
    if (state.isDurable() && !state.outbox().isEmpty()) {
      for (Effect.Send s : state.outbox()) {
        sends.add(s);
      }
      state = state.withOutbox(List.of());
    }
  }

  /** Sends now if term and vote are durable, else holds the message in the outbox. */
  void send(String to, RaftMessage m) {
    Effect.Send s = new Effect.Send(to, m);
    if (state.isDurable()) {
      sends.add(s);
    } else {
      List<Effect.Send> o = new ArrayList<>(state.outbox());
      o.add(s);
      state = state.withOutbox(o);
    }
  }

  void log(Effect e) {
    logOps.add(e);
  }

  void answer(Effect e) {
    answers.add(e);
  }

  void startTimer(TimerKey key, long atMs) {
    timers.remove(key);
    timers.put(key, new Effect.StartTimer(key, atMs));
  }

  void cancelTimer(TimerKey key) {
    timers.remove(key);
    timers.put(key, new Effect.CancelTimer(key));
  }

  /** Draws a new randomized election deadline and arms the election timer. */
  /**
   * Arms the election timer at a random point of [min, max] of the election timeout, stretched by
   * 2^min(n - 1, {@value #MAX_ELECTION_BACKOFF_SHIFT}) after n >= 2 elections without a leader.
   * Why: an election needs durable vote saves (a Kafka write each, on candidate and voter), and
   * when a cold or overloaded node makes them slower than the election timeout, every candidate
   * times out before its votes arrive and starts the next term; without the stretch, 16-256 groups
   * starting together on this 2-core machine went through 20+ terms and up to minutes without a
   * leader (docs/BENCHMARKS.md, "Failover and election timing"). Hearing from a leader, or leading,
   * resets n; a failover's first election is not stretched.
   */
  void resetElectionTimer() {
    long rng = Rng.advance(state.rng());
    RaftConfig c = config();
    int shift =
        Math.min(Math.max(state.electionsWithoutLeader() - 1, 0), MAX_ELECTION_BACKOFF_SHIFT);
    long stretch = 1L << shift;
    long deadline =
        now
            + Rng.between(
                rng, c.electionTimeoutMinMs() * stretch, c.electionTimeoutMaxMs() * stretch);
    state = state.withElectionDeadline(deadline, rng);
    startTimer(TimerKey.ELECTION, deadline);
  }

  void setElectionsWithoutLeader(int n) {
    if (state.electionsWithoutLeader() != n) {
      state = state.withElectionsWithoutLeader(n);
    }
  }

  void setQuiet(RaftState.Quiet q) {
    state = state.withQuiet(q);
  }

  void setApplied(long index, long logTerm) {
    state = state.withApplied(index, logTerm);
  }

  Transition finish() {
    List<Effect> all = new ArrayList<>(persists);
    all.addAll(logOps);
    all.addAll(sends);
    all.addAll(answers);
    all.addAll(timers.values());
    return new Transition(state, all);
  }
}
