package dev.shardraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.core.RaftMessage.Heartbeat;
import dev.shardraft.raft.core.RaftMessage.HeartbeatResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Quiescence of idle groups ({@link Quiescence}): when a leader quiesces, and what wakes whom. */
class QuiescenceTest {

  static final long QUIET_MS = 1_000;

  /** A ready leader {@code a} of {a, b, c} (barrier at 0) with quiescence after 1 s. */
  static RaftTestContext leader() {
    return RaftTestContext.builder("a", "a", "b", "c")
        .withQuiesceAfter(QUIET_MS)
        .build()
        .electAndBecomeReady(0);
  }

  /**
   * Runs heartbeat ticks every 50 ms for {@code ms}; each peer in {@code answering} answers every
   * heartbeat at once with {@code applied}. Returns the heartbeats sent, in order.
   */
  static List<Heartbeat> ticks(RaftTestContext c, long ms, long applied, String... answering) {
    List<Heartbeat> sent = new java.util.ArrayList<>();
    for (long t = 0; t < ms; t += 50) {
      c.advance(50).heartbeatTimeout();
      List<Heartbeat> hs = c.sent(Heartbeat.class);
      sent.addAll(hs);
      for (Heartbeat h : hs) {
        for (String p : answering) {
          if (c.sent(Heartbeat.class).stream().anyMatch(x -> x == h)
              || sent.contains(h)) { // answer each heartbeat once
            c.deliver(new HeartbeatResponse(h.term(), p, true, applied, h.round()));
          }
        }
      }
    }
    return sent;
  }

  /** A leader that quiesced: every peer answered every round with applied = commit index 0. */
  static RaftTestContext quiescedLeader() {
    RaftTestContext c = leader();
    ticks(c, QUIET_MS + 500, 0, "b", "c");
    assertTrue(c.state().isQuiesced(), "leader quiesced");
    return c;
  }

  @Nested
  class Leader {
    @Test
    void anIdleLeaderSendsAQuiesceRoundAfterTheQuietPeriodThenStops() {
      RaftTestContext c = leader();
      List<Heartbeat> early = ticks(c, QUIET_MS - 100, 0, "b", "c");
      assertFalse(early.isEmpty());
      assertTrue(early.stream().noneMatch(Heartbeat::quiesce), "no quiesce before 1 s: " + early);
      assertFalse(c.state().isQuiesced());

      List<Heartbeat> later = ticks(c, 600, 0, "b", "c");
      assertTrue(later.stream().anyMatch(Heartbeat::quiesce), "a quiesce round: " + later);
      assertTrue(c.state().isQuiesced());
      // Stopped: a (stale) heartbeat timeout sends nothing and arms no timer.
      c.advance(5_000).heartbeatTimeout();
      c.assertNoSends();
      assertTrue(c.all(Effect.StartTimer.class).isEmpty(), "no timer: " + c.effects());
      assertInstanceOf(Role.Leader.class, c.role(), "no check-quorum step-down while quiesced");
    }

    @Test
    void aLeaderStopsOnlyOnceEveryPeerAcknowledgedTheQuiesceRound() {
      RaftTestContext c = leader();
      ticks(c, QUIET_MS, 0, "b", "c");
      // From now on only b answers: c misses the quiesce round.
      List<Heartbeat> sent = ticks(c, 100, 0, "b");
      assertTrue(sent.stream().anyMatch(Heartbeat::quiesce), "quiesce round sent: " + sent);
      assertFalse(c.state().isQuiesced(), "c has not acknowledged the quiesce round");
      // c still silent: the leader no longer sees c in the last rounds, so the group is not idle.
      List<Heartbeat> more = ticks(c, 300, 0, "b");
      assertFalse(c.state().isQuiesced());
      assertFalse(more.get(more.size() - 1).quiesce(), "ordinary heartbeats again: " + more);
    }

    @Test
    void aLaggingPeerKeepsTheGroupAwake() {
      RaftTestContext c = leader();
      // The peers answer with applied -1 < commit index 0.
      List<Heartbeat> sent = ticks(c, 3 * QUIET_MS, -1, "b", "c");
      assertTrue(sent.stream().noneMatch(Heartbeat::quiesce));
      assertFalse(c.state().isQuiesced());
    }

    @Test
    void aCommandInFlightKeepsTheGroupAwake() {
      RaftTestContext c = leader();
      c.command("x", 1); // appended, never completed
      assertEquals(1, c.appends().size());
      List<Heartbeat> sent = ticks(c, 3 * QUIET_MS, 0, "b", "c");
      assertTrue(sent.stream().noneMatch(Heartbeat::quiesce));
      assertFalse(c.state().isQuiesced());
    }

    @Test
    void quiescenceIsOffByDefault() {
      RaftTestContext c =
          RaftTestContext.builder("a", "a", "b", "c").build().electAndBecomeReady(0);
      List<Heartbeat> sent = ticks(c, 5_000, 0, "b", "c");
      assertTrue(sent.stream().noneMatch(Heartbeat::quiesce));
      assertFalse(c.state().isQuiesced());
    }

    @Test
    void aCommandWakesAQuiescedLeaderWhichResumesHeartbeatsAndAppends() {
      RaftTestContext c = quiescedLeader();
      c.advance(10_000);
      c.command("x", 1);
      assertFalse(c.state().isQuiesced());
      assertEquals(1, c.appends().size(), "the command is appended at once");
      assertEquals(2, c.sent(Heartbeat.class).size());
      assertTrue(c.sent(Heartbeat.class).stream().noneMatch(Heartbeat::quiesce));
      assertEquals(
          c.now() + 50,
          c.all(Effect.StartTimer.class).stream()
              .filter(t -> t.key() == TimerKey.HEARTBEAT)
              .findFirst()
              .orElseThrow()
              .atMs());
      // Check-quorum windows restart at the wake: a peer's silence while quiesced is no loss.
      c.advance(50).heartbeatTimeout();
      assertInstanceOf(Role.Leader.class, c.role());
    }

    @Test
    void aLinearizableReadOnAQuiescedLeaderWaitsForAQuorumOfANewRound() {
      RaftTestContext c = quiescedLeader();
      c.advance(10_000);
      long read = c.read(ReadMode.LINEARIZABLE);
      assertFalse(c.state().isQuiesced());
      assertTrue(c.all(Effect.ServeRead.class).isEmpty(), "not served before a round");
      long round = ((Role.Leader) c.role()).round();
      // A late answer to an older round does not confirm it.
      c.deliver(new HeartbeatResponse(c.term(), "b", true, 0, round - 1));
      assertTrue(c.all(Effect.ServeRead.class).isEmpty());
      c.deliver(new HeartbeatResponse(c.term(), "b", true, 0, round));
      Effect.ServeRead served = c.lastOf(Effect.ServeRead.class);
      assertEquals(read, served.requestId());
      assertEquals(ReadMode.LINEARIZABLE, served.mode());
    }

    @Test
    void aStaleReadDoesNotWakeTheGroup() {
      RaftTestContext c = quiescedLeader();
      c.read(ReadMode.STALE);
      assertEquals(1, c.all(Effect.ServeRead.class).size());
      assertTrue(c.state().isQuiesced());
      c.assertNoSends();
    }

    @Test
    void aTransferRequestWakesAQuiescedLeader() {
      RaftTestContext c = quiescedLeader();
      c.step(new RaftInput.TransferLeadership(c.now(), "b"));
      assertFalse(c.state().isQuiesced());
      // The target had applied the commit index: TimeoutNow goes out at once, heartbeats too.
      c.sentTo("b", RaftMessage.TimeoutNow.class);
      assertFalse(c.sent(Heartbeat.class).isEmpty());
      assertTrue(c.sent(Heartbeat.class).stream().noneMatch(Heartbeat::quiesce));
    }

    @Test
    void aPeersPreVoteWakesAQuiescedLeaderWhichRefusesIt() {
      RaftTestContext c = quiescedLeader();
      c.advance(10_000);
      c.deliver(new RaftMessage.PreVoteRequest(c.term() + 1, "b", c.term(), 0));
      assertFalse(c.state().isQuiesced());
      assertFalse(c.sentTo("b", RaftMessage.PreVoteResponse.class).granted());
      assertEquals(2, c.sent(Heartbeat.class).size(), "heartbeats tell b the leader is alive");
    }

    @Test
    void aLateHeartbeatResponseDoesNotWakeIt() {
      RaftTestContext c = quiescedLeader();
      c.deliver(new HeartbeatResponse(c.term(), "b", true, 0, 1));
      assertTrue(c.state().isQuiesced());
      c.assertNoSends();
    }

    @Test
    void aHigherTermDeposesAQuiescedLeader() {
      RaftTestContext c = quiescedLeader();
      long t = c.term();
      c.deliver(new Heartbeat(t + 1, "b", 5, 1));
      assertEquals(t + 1, c.term());
      assertInstanceOf(Role.Follower.class, c.role());
      assertFalse(c.state().isQuiesced());
    }
  }

  @Nested
  class Follower {
    /** Follower b of leader a (term 1), quiesced by a's quiesce heartbeat. */
    RaftTestContext quiescedFollower() {
      RaftTestContext c =
          RaftTestContext.builder("b", "a", "b", "c").withQuiesceAfter(QUIET_MS).build();
      c.advance(10).deliver(new Heartbeat(1, "a", 0, 1)).persisted();
      c.advance(50).deliver(new Heartbeat(1, "a", 0, 2, true));
      assertTrue(c.state().isQuiesced());
      assertTrue(
          c.all(Effect.CancelTimer.class).stream().anyMatch(t -> t.key() == TimerKey.ELECTION),
          "election timer cancelled: " + c.effects());
      HeartbeatResponse r = c.sentTo("a", HeartbeatResponse.class);
      assertEquals(2, r.round(), "the quiesce round is acknowledged");
      return c;
    }

    @Test
    void aQuiescedFollowerRunsNoElectionAndStaysInTheLeadersLease() {
      RaftTestContext c = quiescedFollower();
      c.advance(60_000).step(new RaftInput.Timeout(c.now(), TimerKey.ELECTION));
      assertInstanceOf(Role.Follower.class, c.role());
      c.assertNoSends();
      c.deliver(new RaftMessage.PreVoteRequest(2, "c", 1, 0));
      assertFalse(c.sentTo("c", RaftMessage.PreVoteResponse.class).granted());
      c.deliver(new RaftMessage.VoteRequest(2, "c", 1, 0, false));
      assertEquals(1, c.term(), "a RequestVote inside the lease is ignored");
      assertTrue(c.state().isQuiesced());
    }

    @Test
    void suspicionOfItsLeaderWakesItIntoANormalElection() {
      RaftTestContext c = quiescedFollower();
      c.advance(60_000);
      c.step(new RaftInput.LeaderSuspected(c.now(), "c"));
      assertTrue(c.state().isQuiesced(), "suspicion of another replica is ignored");
      c.step(new RaftInput.LeaderSuspected(c.now(), "a"));
      assertFalse(c.state().isQuiesced());
      Effect.StartTimer t = c.lastOf(Effect.StartTimer.class);
      assertEquals(TimerKey.ELECTION, t.key());
      assertTrue(t.atMs() >= c.now() + 150 && t.atMs() <= c.now() + 300, "" + t);
      // Woken, it is out of the lease: it grants a peer's pre-vote, and its own timeout campaigns.
      c.deliver(new RaftMessage.PreVoteRequest(2, "c", 1, 0));
      assertTrue(c.sentTo("c", RaftMessage.PreVoteResponse.class).granted());
      c.electionTimeout();
      assertInstanceOf(Role.PreCandidate.class, c.role());
      assertEquals(2, c.sent(RaftMessage.PreVoteRequest.class).size());
    }

    @Test
    void suspicionOfALiveFollowersLeaderIsIgnored() {
      RaftTestContext c =
          RaftTestContext.builder("b", "a", "b", "c").withQuiesceAfter(QUIET_MS).build();
      c.advance(10).deliver(new Heartbeat(1, "a", 0, 1)).persisted();
      long deadline = c.state().electionDeadlineMs();
      c.step(new RaftInput.LeaderSuspected(c.now(), "a"));
      assertEquals(deadline, c.state().electionDeadlineMs(), "its own timer keeps running");
      assertTrue(c.effects().isEmpty(), "" + c.effects());
    }

    @Test
    void aPreVoteOfItsOwnLeaderWakesItAndIsGranted() {
      // The leader's replica restarted (faster than a failure detector notices): it campaigns.
      RaftTestContext c = quiescedFollower();
      c.advance(5_000).deliver(new RaftMessage.PreVoteRequest(2, "a", 1, 0));
      assertFalse(c.state().isQuiesced());
      assertTrue(c.sentTo("a", RaftMessage.PreVoteResponse.class).granted());
      assertEquals(TimerKey.ELECTION, c.lastOf(Effect.StartTimer.class).key());
    }

    @Test
    void anOrdinaryHeartbeatWakesIt() {
      RaftTestContext c = quiescedFollower();
      c.advance(5_000).deliver(new Heartbeat(1, "a", 0, 3));
      assertFalse(c.state().isQuiesced());
      assertEquals(TimerKey.ELECTION, c.lastOf(Effect.StartTimer.class).key());
    }

    @Test
    void aClientCommandWakesItAndIsRedirectedToTheLeader() {
      RaftTestContext c = quiescedFollower();
      long id = c.command("x", 1);
      CommandOutcome.Retry r = (CommandOutcome.Retry) c.replyTo(id).orElseThrow();
      assertEquals(Optional.of("a"), r.leaderHint());
      assertFalse(c.state().isQuiesced());
      assertEquals(TimerKey.ELECTION, c.lastOf(Effect.StartTimer.class).key());
    }

    @Test
    void aLinearizableReadWakesItAndIsRedirected() {
      RaftTestContext c = quiescedFollower();
      c.read(ReadMode.LINEARIZABLE);
      assertEquals(1, c.all(Effect.RejectRead.class).size());
      assertFalse(c.state().isQuiesced());
    }

    @Test
    void aHigherTermWakesIt() {
      RaftTestContext c = quiescedFollower();
      c.deliver(new Heartbeat(2, "c", 0, 1));
      assertEquals(2, c.term());
      assertEquals(Optional.of("c"), c.state().leaderHint());
      assertFalse(c.state().isQuiesced());
      assertEquals(TimerKey.ELECTION, c.lastOf(Effect.StartTimer.class).key());
    }

    @Test
    void aBarrierOfAnotherLeaderInTheLogWakesIt() {
      RaftTestContext c = quiescedFollower();
      c.applied(1, 1, new AppliedEntry.BarrierApplied(1, "a"));
      assertTrue(c.state().isQuiesced(), "its own leader's barrier: still quiet");
      c.applied(2, 2, new AppliedEntry.BarrierApplied(2, "c"));
      assertEquals(2, c.term());
      assertFalse(c.state().isQuiesced());
    }
  }
}
