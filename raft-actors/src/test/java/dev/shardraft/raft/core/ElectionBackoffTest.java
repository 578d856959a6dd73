package dev.shardraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.core.RaftMessage.Heartbeat;
import dev.shardraft.raft.core.RaftMessage.PreVoteResponse;
import org.junit.jupiter.api.Test;

/**
 * Elections that keep failing stretch the election timeout (StepContext.resetElectionTimer), so
 * that vote saves slower than the timeout (a cold or overloaded node) still complete; hearing from
 * a leader undoes it. Timing of the context: election timeout 150-300 ms.
 */
class ElectionBackoffTest {

  private static RaftTestContext three() {
    return RaftTestContext.builder("n1", "n1", "n2", "n3").withTerm(1).build();
  }

  /** The election timer's delay after the last step, from now. */
  private static long timerDelay(RaftTestContext c) {
    Effect.StartTimer t = c.lastOf(Effect.StartTimer.class);
    assertEquals(TimerKey.ELECTION, t.key());
    return t.atMs() - c.now();
  }

  @Test
  void theFirstTwoElectionsUseTheConfiguredTimeoutThenItDoublesUpToEightTimes() {
    RaftTestContext c = three();
    long[] lo = {150, 150, 300, 600, 1200, 1200, 1200};
    long[] hi = {300, 300, 600, 1200, 2400, 2400, 2400};
    for (int n = 0; n < lo.length; n++) {
      c.electionTimeout(); // a pre-vote that nobody answers
      assertInstanceOf(Role.PreCandidate.class, c.role());
      long d = timerDelay(c);
      assertTrue(d >= lo[n] && d <= hi[n], "election " + (n + 1) + ": delay " + d);
      assertEquals(n + 1, c.state().electionsWithoutLeader());
    }
  }

  @Test
  void aCandidateWaitsForItsVotesWithTheStretchedTimeout() {
    RaftTestContext c = three();
    c.electionTimeout().electionTimeout().electionTimeout(); // three unanswered pre-votes
    c.deliver(new PreVoteResponse(1, "n2", true));
    assertInstanceOf(Role.Candidate.class, c.role());
    long d = timerDelay(c);
    assertTrue(d >= 600 && d <= 1200, "candidate delay " + d);
  }

  @Test
  void aHeartbeatFromALeaderEndsTheStretch() {
    RaftTestContext c = three();
    c.electionTimeout().electionTimeout().electionTimeout().electionTimeout();
    c.deliver(new Heartbeat(1, "n2", 0, 1));
    assertInstanceOf(Role.Follower.class, c.role());
    assertEquals(0, c.state().electionsWithoutLeader());
    long d = timerDelay(c);
    assertTrue(d >= 150 && d <= 300, "follower delay " + d);
  }

  @Test
  void becomingLeaderEndsTheStretch() {
    RaftTestContext c = three();
    c.electionTimeout().electionTimeout().electionTimeout();
    c.deliver(new PreVoteResponse(1, "n2", true)).persisted();
    c.deliver(new RaftMessage.VoteResponse(c.term(), "n2", true));
    assertInstanceOf(Role.Leader.class, c.role());
    assertEquals(0, c.state().electionsWithoutLeader());
  }

  @Test
  void aCandidatesWaitForVotesStartsWhenItsOwnVoteIsDurable() {
    RaftTestContext c = three();
    c.electionTimeout().deliver(new PreVoteResponse(1, "n2", true));
    assertInstanceOf(Role.Candidate.class, c.role());
    long firstDeadline = c.state().electionDeadlineMs();
    assertEquals(0, c.sent(RaftMessage.VoteRequest.class).size(), "held until the vote is saved");
    c.advance(1_000); // the vote save takes a second: the timer fires meanwhile
    c.step(new RaftInput.Timeout(c.now(), TimerKey.ELECTION));
    assertInstanceOf(Role.Candidate.class, c.role(), "no new election while its vote is saved");
    assertEquals(2, c.term());
    c.step(
        new RaftInput.TermVotePersisted(
            c.now(), new dev.shardraft.raft.port.TermAndVote(2, java.util.Optional.of("n1"))));
    assertInstanceOf(Role.Candidate.class, c.role());
    long d = timerDelay(c);
    assertTrue(c.now() > firstDeadline, "the save outlasted the first deadline");
    assertTrue(d >= 150 && d <= 300, "the wait for votes starts after the save: " + d);
    assertEquals(2, c.sent(RaftMessage.VoteRequest.class).size());
  }
}
