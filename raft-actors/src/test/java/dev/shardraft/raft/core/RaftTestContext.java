package dev.shardraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.core.RaftInput.Receive;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.TermAndVote;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Scripted scenarios against one replica's core (after Kafka's {@code RaftClientTestContext}):
 * build a replica in a given situation, deliver inputs, and assert on the effects of the last step.
 * The clock only moves when the script says so.
 */
final class RaftTestContext {
  final RaftConfig config;
  private RaftState state;
  private List<Effect> last = List.of();
  private long now;
  private long nextRequestId = 1;

  private RaftTestContext(RaftConfig config, Transition init, long now) {
    this.config = config;
    this.state = init.next();
    this.last = init.effects();
    this.now = now;
  }

  static Builder builder(String self, String... members) {
    return new Builder(self, List.of(members));
  }

  static final class Builder {
    private final String self;
    private final List<String> members;
    private TermAndVote durable = TermAndVote.INITIAL;
    private long appliedIndex = -1;
    private long logTerm = 0;
    private long seed = 42;
    private long quiesceAfterMs = 0;

    private Builder(String self, List<String> members) {
      this.self = self;
      this.members = members;
    }

    Builder withTerm(long term) {
      durable = new TermAndVote(term, Optional.empty());
      return this;
    }

    Builder withVote(long term, String votedFor) {
      durable = new TermAndVote(term, Optional.of(votedFor));
      return this;
    }

    Builder withApplied(long index, long term) {
      appliedIndex = index;
      logTerm = term;
      return this;
    }

    Builder withSeed(long s) {
      seed = s;
      return this;
    }

    Builder withQuiesceAfter(long ms) {
      quiesceAfterMs = ms;
      return this;
    }

    RaftTestContext build() {
      RaftConfig c =
          new RaftConfig("test-0", self, members, 150, 300, 50, 4, 8, 64, SESSION_EXPIRY)
              .withQuiesceAfterMs(quiesceAfterMs);
      return new RaftTestContext(c, RaftCore.init(c, durable, appliedIndex, logTerm, 0, seed), 0);
    }
  }

  RaftState state() {
    return state;
  }

  Role role() {
    return state.role();
  }

  long term() {
    return state.term();
  }

  long now() {
    return now;
  }

  List<Effect> effects() {
    return last;
  }

  RaftTestContext advance(long ms) {
    now += ms;
    return this;
  }

  RaftTestContext step(RaftInput in) {
    Transition t = RaftCore.step(state, in);
    assertTrue(t.next().term() >= state.term(), "term decreased");
    state = t.next();
    last = t.effects();
    return this;
  }

  RaftTestContext deliver(RaftMessage m) {
    return step(new Receive(now, m));
  }

  /** Fires the election timer after moving the clock past the deadline. */
  RaftTestContext electionTimeout() {
    now = Math.max(now, state.electionDeadlineMs());
    return step(new RaftInput.Timeout(now, TimerKey.ELECTION));
  }

  RaftTestContext heartbeatTimeout() {
    return step(new RaftInput.Timeout(now, TimerKey.HEARTBEAT));
  }

  /** Confirms the last PersistTermVote effect of the last step. */
  RaftTestContext persisted() {
    TermAndVote tv = lastOf(Effect.PersistTermVote.class).termAndVote();
    return step(new RaftInput.TermVotePersisted(now, tv));
  }

  RaftTestContext applied(long index, long logTerm, AppliedEntry what) {
    return step(new RaftInput.Applied(now, index, logTerm, what));
  }

  long command(String clientId, long seq) {
    long id = nextRequestId++;
    step(new RaftInput.ClientCommand(now, id, clientId, seq, Bytes.of(new byte[] {(byte) seq})));
    return id;
  }

  long read(ReadMode mode) {
    long id = nextRequestId++;
    step(new RaftInput.ClientRead(now, id, mode));
    return id;
  }

  /** Takes self from follower to a ready leader of term + 1 with the votes of every peer. */
  RaftTestContext electAndBecomeReady(long barrierIndex) {
    electionTimeout();
    long preTerm = term() + 1;
    for (String p : config.peers()) {
      if (role() instanceof Role.PreCandidate) {
        deliver(new RaftMessage.PreVoteResponse(preTerm - 1, p, true));
      }
    }
    persisted();
    for (String p : config.peers()) {
      if (role() instanceof Role.Candidate) {
        deliver(new RaftMessage.VoteResponse(term(), p, true));
      }
    }
    assertInstanceOf(Role.Leader.class, role());
    step(new RaftInput.WriterOpened(now, term()));
    step(new RaftInput.AppendCompleted(now, term(), List.of(barrierIndex)));
    applied(barrierIndex, term(), new AppliedEntry.BarrierApplied(term(), config.self()));
    assertTrue(((Role.Leader) role()).ready(), "leader ready");
    return this;
  }

  // ---- effect queries on the last step

  <E extends Effect> List<E> all(Class<E> type) {
    List<E> out = new ArrayList<>();
    for (Effect e : last) {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
      }
    }
    return out;
  }

  <E extends Effect> E lastOf(Class<E> type) {
    List<E> es = all(type);
    assertTrue(!es.isEmpty(), "no " + type.getSimpleName() + " in " + last);
    return es.get(es.size() - 1);
  }

  <M extends RaftMessage> List<M> sent(Class<M> type) {
    List<M> out = new ArrayList<>();
    for (Effect.Send s : all(Effect.Send.class)) {
      if (type.isInstance(s.message())) {
        out.add(type.cast(s.message()));
      }
    }
    return out;
  }

  <M extends RaftMessage> M sentTo(String to, Class<M> type) {
    for (Effect.Send s : all(Effect.Send.class)) {
      if (s.to().equals(to) && type.isInstance(s.message())) {
        return type.cast(s.message());
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " to " + to + " in " + last);
  }

  List<Effect.Append> appends() {
    return all(Effect.Append.class);
  }

  Optional<CommandOutcome> replyTo(long requestId) {
    return all(Effect.ReplyCommand.class).stream()
        .filter(r -> r.requestId() == requestId)
        .map(Effect.ReplyCommand::outcome)
        .findFirst();
  }

  void assertNoSends() {
    assertEquals(List.of(), all(Effect.Send.class), "expected no sends");
  }

  /** The session expiry window of every test context's configuration. */
  static final long SESSION_EXPIRY = 777;

  /** The barrier a leader of this context's configuration writes. */
  static LogEntry barrier(long term, String leader) {
    return new LogEntry(term, leader, new LogEntry.Barrier(SESSION_EXPIRY));
  }
}
