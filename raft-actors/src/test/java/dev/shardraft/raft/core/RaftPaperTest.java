package dev.shardraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.core.RaftMessage.Heartbeat;
import dev.shardraft.raft.core.RaftMessage.HeartbeatResponse;
import dev.shardraft.raft.core.RaftMessage.PreVoteRequest;
import dev.shardraft.raft.core.RaftMessage.PreVoteResponse;
import dev.shardraft.raft.core.RaftMessage.VoteRequest;
import dev.shardraft.raft.core.RaftMessage.VoteResponse;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.TermAndVote;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests of the core, named after the sections of the Raft paper and thesis. */
class RaftPaperTest {

  private static RaftTestContext three() {
    return RaftTestContext.builder("n1", "n1", "n2", "n3").withTerm(1).build();
  }

  @Nested
  @DisplayName("§5.2 leader election")
  class Election {

    @Test
    void followerStartsWithElectionTimerWithinTheConfiguredRange() {
      RaftTestContext c = three();
      Effect.StartTimer t = c.lastOf(Effect.StartTimer.class);
      assertEquals(TimerKey.ELECTION, t.key());
      assertTrue(t.atMs() >= 150 && t.atMs() <= 300, "deadline " + t.atMs());
    }

    @Test
    void electionTimeoutsAreRandomizedPerSeed() {
      long a =
          RaftTestContext.builder("n1", "n1", "n2")
              .withSeed(1)
              .build()
              .state()
              .electionDeadlineMs();
      long b =
          RaftTestContext.builder("n1", "n1", "n2")
              .withSeed(2)
              .build()
              .state()
              .electionDeadlineMs();
      long c =
          RaftTestContext.builder("n1", "n1", "n2")
              .withSeed(3)
              .build()
              .state()
              .electionDeadlineMs();
      assertTrue(a != b || b != c, "three seeds gave one timeout " + a);
    }

    @Test
    void earlyTimerFireDoesNotStartAnElection() {
      RaftTestContext c = three();
      c.step(new RaftInput.Timeout(c.state().electionDeadlineMs() - 1, TimerKey.ELECTION));
      assertInstanceOf(Role.Follower.class, c.role());
      assertEquals(c.state().electionDeadlineMs(), c.lastOf(Effect.StartTimer.class).atMs());
    }

    @Test
    void candidateWithQuorumBecomesLeaderAndFencesOlderWritersFirst() {
      RaftTestContext c = three().electionTimeout();
      c.deliver(new PreVoteResponse(1, "n2", true));
      assertInstanceOf(Role.Candidate.class, c.role());
      assertEquals(2, c.term());
      c.persisted();
      assertEquals(2, c.sent(VoteRequest.class).size());
      c.deliver(new VoteResponse(2, "n2", true));
      assertInstanceOf(Role.Leader.class, c.role());
      assertEquals(new Effect.OpenWriter(2), c.lastOf(Effect.OpenWriter.class));
      assertEquals(2, c.sent(Heartbeat.class).size());
      assertTrue(c.appends().isEmpty(), "no append before the writer is open");
      c.step(new RaftInput.WriterOpened(c.now(), 2));
      assertEquals(
          List.of(RaftTestContext.barrier(2, "n1")), c.lastOf(Effect.Append.class).entries());
    }

    @Test
    void splitVoteLeavesCandidateWhichCampaignsAgainAfterTimeout() {
      RaftTestContext c = three().electionTimeout();
      c.deliver(new PreVoteResponse(1, "n2", true)).persisted();
      c.deliver(new VoteResponse(2, "n2", false)).deliver(new VoteResponse(2, "n3", false));
      assertInstanceOf(Role.Candidate.class, c.role());
      c.electionTimeout();
      assertInstanceOf(Role.PreCandidate.class, c.role());
      assertEquals(2, c.term());
    }

    @Test
    void oneVotePerTerm() {
      RaftTestContext c = three();
      c.deliver(new VoteRequest(2, "n2", 0, -1, false)).persisted();
      assertTrue(c.sentTo("n2", VoteResponse.class).granted());
      c.deliver(new VoteRequest(2, "n3", 0, -1, false));
      assertFalse(c.sentTo("n3", VoteResponse.class).granted());
      c.deliver(new VoteRequest(2, "n2", 0, -1, false));
      assertTrue(c.sentTo("n2", VoteResponse.class).granted(), "repeat to the same candidate");
    }

    @Test
    void candidateStepsDownOnHeartbeatOfItsTerm() {
      RaftTestContext c = three().electionTimeout();
      c.deliver(new PreVoteResponse(1, "n2", true)).persisted();
      c.deliver(new Heartbeat(2, "n3", 7, 1));
      assertEquals(new Role.Follower(Optional.of("n3"), c.now()), c.role());
      assertTrue(c.sentTo("n3", HeartbeatResponse.class).success());
    }
  }

  @Nested
  @DisplayName(
      "§5.2 persistence before votes (Figure 2: persistent state updated before responding)")
  class PersistenceBeforeVotes {

    @Test
    void voteIsSentOnlyAfterItIsDurable() {
      RaftTestContext c = three();
      c.deliver(new VoteRequest(2, "n2", 0, -1, false));
      assertEquals(
          new TermAndVote(2, Optional.of("n2")),
          c.lastOf(Effect.PersistTermVote.class).termAndVote());
      c.assertNoSends();
      c.persisted();
      assertTrue(c.sentTo("n2", VoteResponse.class).granted());
    }

    @Test
    void requestVoteIsSentOnlyAfterSelfVoteIsDurable() {
      RaftTestContext c = three().electionTimeout();
      c.deliver(new PreVoteResponse(1, "n2", true));
      assertEquals(
          new TermAndVote(2, Optional.of("n1")),
          c.lastOf(Effect.PersistTermVote.class).termAndVote());
      assertTrue(c.sent(VoteRequest.class).isEmpty());
      c.persisted();
      assertEquals(2, c.sent(VoteRequest.class).size());
    }

    @Test
    void candidateDoesNotWinBeforeOwnVoteIsDurable() {
      RaftTestContext c = three().electionTimeout();
      c.deliver(new PreVoteResponse(1, "n2", true));
      c.deliver(new VoteResponse(2, "n2", true)).deliver(new VoteResponse(2, "n3", true));
      assertInstanceOf(Role.Candidate.class, c.role());
      c.step(new RaftInput.TermVotePersisted(c.now(), new TermAndVote(2, Optional.of("n1"))));
      assertInstanceOf(Role.Leader.class, c.role());
    }

    @Test
    void singleReplicaGroupElectsItselfOnlyAfterPersisting() {
      RaftTestContext c = RaftTestContext.builder("n1", "n1").build().electionTimeout();
      assertInstanceOf(Role.Candidate.class, c.role());
      c.persisted();
      assertInstanceOf(Role.Leader.class, c.role());
    }
  }

  @Nested
  @DisplayName("§5.4.1 election restriction: the log up-to-date rule")
  class UpToDateRule {

    @ParameterizedTest(
        name = "candidate (term {0}, index {1}) vs voter (term {2}, index {3}) -> {4}")
    @CsvSource({
      "3, 10, 3, 10, true",
      "3, 11, 3, 10, true",
      "3,  9, 3, 10, false",
      "4,  2, 3, 10, true",
      "2, 99, 3, 10, false",
      "0, -1, 0, -1, true",
      "0, -1, 1,  0, false"
    })
    void rule(long cTerm, long cIndex, long vTerm, long vIndex, boolean expected) {
      assertEquals(expected, UpToDate.candidateIsUpToDate(cTerm, cIndex, vTerm, vIndex));
      RaftTestContext c =
          RaftTestContext.builder("n1", "n1", "n2", "n3")
              .withTerm(5)
              .withApplied(vIndex, vTerm)
              .build();
      c.deliver(new VoteRequest(6, "n2", cTerm, cIndex, false));
      c.assertNoSends(); // term 6 (and the vote, if granted) is not durable yet
      c.persisted();
      assertEquals(expected, c.sentTo("n2", VoteResponse.class).granted());
      c.deliver(new PreVoteRequest(7, "n3", cTerm, cIndex));
      assertEquals(expected, c.sentTo("n3", PreVoteResponse.class).granted());
    }
  }

  @Nested
  @DisplayName("§5.1 step down on a higher term")
  class HigherTerm {

    @Test
    void leaderStepsDownOnHigherTermAndAnswersEverythingItHolds() {
      RaftTestContext c = three().electAndBecomeReady(0);
      long inFlight = c.command("a", 1);
      long queued = c.command("b", 1);
      long read = c.read(ReadMode.LINEARIZABLE);
      c.deliver(new HeartbeatResponse(9, "n2", false, 0, 1));
      assertEquals(new Role.Follower(Optional.empty(), Role.NEVER), c.role());
      assertEquals(9, c.term());
      assertInstanceOf(CommandOutcome.Retry.class, c.replyTo(inFlight).orElseThrow());
      assertInstanceOf(CommandOutcome.Retry.class, c.replyTo(queued).orElseThrow());
      assertEquals(
          1, c.all(Effect.RejectRead.class).stream().filter(r -> r.requestId() == read).count());
      assertEquals(new Effect.CloseWriter(2), c.lastOf(Effect.CloseWriter.class));
      assertEquals(
          new TermAndVote(9, Optional.empty()),
          c.lastOf(Effect.PersistTermVote.class).termAndVote());
    }

    @Test
    void staleHeartbeatIsAnsweredWithOurTerm() {
      RaftTestContext c = RaftTestContext.builder("n1", "n1", "n2", "n3").withTerm(5).build();
      c.deliver(new Heartbeat(3, "n2", 0, 1));
      HeartbeatResponse r = c.sentTo("n2", HeartbeatResponse.class);
      assertFalse(r.success());
      assertEquals(5, r.term());
    }

    @Test
    void higherTermInTheLogDeposesTheLeader() {
      RaftTestContext c = three().electAndBecomeReady(0);
      long req = c.command("a", 1);
      c.applied(2, 7, new AppliedEntry.BarrierApplied(7, "n3"));
      assertInstanceOf(Role.Follower.class, c.role());
      assertEquals(7, c.term());
      assertInstanceOf(CommandOutcome.Retry.class, c.replyTo(req).orElseThrow());
    }

    @Test
    void fencedAppendMakesLeaderStepDown() {
      RaftTestContext c = three().electAndBecomeReady(0);
      long req = c.command("a", 1);
      c.step(new RaftInput.AppendFailed(c.now(), 2, true, "fenced"));
      assertInstanceOf(Role.Follower.class, c.role());
      assertEquals(2, c.term());
      assertInstanceOf(CommandOutcome.Retry.class, c.replyTo(req).orElseThrow());
    }
  }

  @Nested
  @DisplayName("§9.6 pre-vote and leader lease")
  class PreVote {

    @Test
    void preVoteChangesNeitherTermNorVoteOfEitherSide() {
      RaftTestContext cand = three().electionTimeout();
      assertInstanceOf(Role.PreCandidate.class, cand.role());
      assertEquals(1, cand.term());
      assertTrue(cand.all(Effect.PersistTermVote.class).isEmpty());
      PreVoteRequest req = cand.sentTo("n2", PreVoteRequest.class);
      assertEquals(2, req.term());

      RaftTestContext voter = RaftTestContext.builder("n2", "n1", "n2", "n3").withTerm(1).build();
      voter.deliver(req);
      assertTrue(voter.sentTo("n1", PreVoteResponse.class).granted());
      assertEquals(1, voter.term());
      assertTrue(voter.all(Effect.PersistTermVote.class).isEmpty());
    }

    @Test
    void isolatedReplicaDoesNotInflateItsTerm() {
      RaftTestContext c = three();
      for (int i = 0; i < 20; i++) {
        c.electionTimeout();
      }
      assertEquals(1, c.term());
      assertInstanceOf(Role.PreCandidate.class, c.role());
    }

    @Test
    void followerThatHeardFromLiveLeaderRefusesPreVoteAndIgnoresRequestVote() {
      RaftTestContext c = three();
      c.deliver(new Heartbeat(1, "n2", 0, 1));
      c.advance(100);
      c.deliver(new PreVoteRequest(2, "n3", 5, 100));
      assertFalse(c.sentTo("n3", PreVoteResponse.class).granted());
      c.deliver(new VoteRequest(2, "n3", 5, 100, false));
      assertEquals(1, c.term(), "a disruptive RequestVote must not raise the term");
      c.assertNoSends();
      c.advance(60);
      c.deliver(new PreVoteRequest(2, "n3", 5, 100));
      assertTrue(c.sentTo("n3", PreVoteResponse.class).granted(), "lease expired");
    }
  }

  @Nested
  @DisplayName("§6.2 check-quorum")
  class CheckQuorum {

    @Test
    void leaderThatHearsFromNoMajorityStepsDown() {
      RaftTestContext c = three().electAndBecomeReady(0);
      c.advance(100).heartbeatTimeout();
      assertInstanceOf(Role.Leader.class, c.role());
      c.advance(60).heartbeatTimeout();
      assertInstanceOf(Role.Follower.class, c.role());
    }

    @Test
    void oneLivePeerKeepsTheLeaderOfThree() {
      RaftTestContext c = three().electAndBecomeReady(0);
      for (int i = 0; i < 10; i++) {
        c.advance(50).deliver(new HeartbeatResponse(c.term(), "n2", true, 0, 1)).heartbeatTimeout();
      }
      assertInstanceOf(Role.Leader.class, c.role());
    }
  }

  @Nested
  @DisplayName("§3.10 leadership transfer")
  class Transfer {

    @Test
    void timeoutNowGoesToTheTargetOnceItHasAppliedTheCommitIndex() {
      RaftTestContext c = three().electAndBecomeReady(4);
      c.step(new RaftInput.TransferLeadership(c.now(), "n3"));
      assertTrue(c.sent(RaftMessage.TimeoutNow.class).isEmpty());
      long refused = c.command("a", 1);
      assertEquals(
          new CommandOutcome.Retry(
              Optional.of("n3"), RetryReason.TRANSFER, "leadership transfer in progress"),
          c.replyTo(refused).orElseThrow());
      c.deliver(new HeartbeatResponse(2, "n3", true, 3, 2));
      assertTrue(c.sent(RaftMessage.TimeoutNow.class).isEmpty(), "n3 has not applied 4 yet");
      c.deliver(new HeartbeatResponse(2, "n3", true, 4, 2));
      assertEquals(
          new RaftMessage.TimeoutNow(2, "n1"), c.sentTo("n3", RaftMessage.TimeoutNow.class));
    }

    @Test
    void targetCampaignsAtOnceAndVotersIgnoreTheirLease() {
      RaftTestContext target = RaftTestContext.builder("n3", "n1", "n2", "n3").withTerm(2).build();
      target.deliver(new Heartbeat(2, "n1", 4, 1));
      target.deliver(new RaftMessage.TimeoutNow(2, "n1"));
      assertInstanceOf(Role.Candidate.class, target.role());
      target.persisted();
      VoteRequest vr = target.sentTo("n2", VoteRequest.class);
      assertTrue(vr.transfer());

      RaftTestContext voter = RaftTestContext.builder("n2", "n1", "n2", "n3").withTerm(2).build();
      voter.deliver(new Heartbeat(2, "n1", 4, 1));
      voter.deliver(vr).persisted();
      assertTrue(voter.sentTo("n3", VoteResponse.class).granted());
    }

    @Test
    void peerProgressFollowsTheNewestRoundEvenWhenItGoesDown() {
      RaftTestContext c = three().electAndBecomeReady(0);
      c.deliver(new HeartbeatResponse(2, "n2", true, 40, 1));
      c.heartbeatTimeout();
      long round = ((Role.Leader) c.role()).round();
      c.deliver(new HeartbeatResponse(2, "n2", true, 7, round)); // n2 restarted from a snapshot
      assertEquals(7, ((Role.Leader) c.role()).peers().get("n2").appliedIndex());
      c.deliver(new HeartbeatResponse(2, "n2", true, 40, 1)); // a late answer to round 1
      assertEquals(7, ((Role.Leader) c.role()).peers().get("n2").appliedIndex());
    }

    @Test
    void transferToUnknownReplicaIsRefused() {
      RaftTestContext c = three().electAndBecomeReady(0);
      c.step(new RaftInput.TransferLeadership(c.now(), "n9"));
      assertEquals(1, c.all(Effect.TransferRefused.class).size());
    }
  }

  @Nested
  @DisplayName("§6.4 read-index")
  class ReadIndex {

    @Test
    void readIsServedAfterAQuorumConfirmsANewRoundAndAppliedReachesReadIndex() {
      RaftTestContext c = three().electAndBecomeReady(0);
      long cmd = c.command("a", 1);
      c.step(new RaftInput.AppendCompleted(c.now(), 2, List.of(2L)));
      long read = c.read(ReadMode.LINEARIZABLE);
      long round = ((Role.Leader) c.role()).round();
      assertTrue(c.all(Effect.ServeRead.class).isEmpty());
      c.deliver(new HeartbeatResponse(2, "n2", true, 0, round - 1));
      assertTrue(c.all(Effect.ServeRead.class).isEmpty(), "an older round does not confirm");
      c.deliver(new HeartbeatResponse(2, "n2", true, 0, round));
      assertTrue(c.all(Effect.ServeRead.class).isEmpty(), "confirmed, but index 2 not applied");
      c.applied(
          2,
          2,
          new AppliedEntry.CommandDecided(
              "a", 1, new CommandOutcome.Success(2, Bytes.EMPTY, false)));
      assertEquals(
          List.of(new Effect.ServeRead(read, 2, ReadMode.LINEARIZABLE)),
          c.all(Effect.ServeRead.class));
      assertInstanceOf(CommandOutcome.Success.class, c.replyTo(cmd).orElseThrow());
    }

    @Test
    void followerRedirectsLinearizableReadsAndServesStaleOnes() {
      RaftTestContext c =
          RaftTestContext.builder("n1", "n1", "n2", "n3").withTerm(1).withApplied(9, 1).build();
      c.deliver(new Heartbeat(1, "n2", 9, 1));
      long r1 = c.read(ReadMode.LINEARIZABLE);
      assertEquals(Optional.of("n2"), c.lastOf(Effect.RejectRead.class).retry().leaderHint());
      long r2 = c.read(ReadMode.STALE);
      assertEquals(new Effect.ServeRead(r2, 9, ReadMode.STALE), c.lastOf(Effect.ServeRead.class));
      assertTrue(r1 != r2);
    }
  }

  @Nested
  @DisplayName("leader completeness on a shared log: barrier first, answers only on apply")
  class LeaderCompleteness {

    @Test
    void commandsWaitForTheBarrierToBeApplied() {
      RaftTestContext c = three().electionTimeout();
      c.deliver(new PreVoteResponse(1, "n2", true))
          .persisted()
          .deliver(new VoteResponse(2, "n2", true));
      c.step(new RaftInput.WriterOpened(c.now(), 2));
      c.step(new RaftInput.AppendCompleted(c.now(), 2, List.of(5L)));
      long req = c.command("a", 1);
      assertTrue(c.appends().isEmpty(), "queued until the barrier is applied");
      assertTrue(c.replyTo(req).isEmpty());
      c.applied(5, 2, new AppliedEntry.BarrierApplied(2, "n1"));
      assertEquals(1, c.appends().size());
    }

    @Test
    void theBarrierCarriesTheLeadersSessionExpiryWindow() {
      RaftTestContext c = three().electionTimeout();
      c.deliver(new PreVoteResponse(1, "n2", true))
          .persisted()
          .deliver(new VoteResponse(2, "n2", true));
      c.step(new RaftInput.WriterOpened(c.now(), 2));
      Effect.Append barrier = c.appends().get(0);
      assertEquals(
          new LogEntry.Barrier(RaftTestContext.SESSION_EXPIRY),
          barrier.entries().get(0).body(),
          "the window is replicated state: every replica adopts it from the barrier");
    }

    @Test
    void writerOpenedAfterSteppingDownIsClosedAndARepeatedReportIsIgnored() {
      RaftTestContext c = three().electAndBecomeReady(0);
      c.step(new RaftInput.WriterOpened(c.now(), 2));
      assertTrue(c.effects().isEmpty(), "repeat ignored: " + c.effects());
      c.deliver(new HeartbeatResponse(3, "n2", false, 0, 1));
      c.step(new RaftInput.WriterOpened(c.now(), 2));
      assertEquals(List.of(new Effect.CloseWriter(2)), c.effects());
    }

    @Test
    void appendCompletionIsNotAnAcknowledgement() {
      RaftTestContext c = three().electAndBecomeReady(0);
      long req = c.command("a", 1);
      c.step(new RaftInput.AppendCompleted(c.now(), 2, List.of(2L)));
      assertTrue(c.replyTo(req).isEmpty());
      c.applied(
          2,
          2,
          new AppliedEntry.CommandDecided(
              "a", 1, new CommandOutcome.Success(2, Bytes.of(new byte[] {7}), false)));
      assertEquals(
          new CommandOutcome.Success(2, Bytes.of(new byte[] {7}), false),
          c.replyTo(req).orElseThrow());
    }

    @Test
    void aSkippedEntryIsAnsweredWithRetryNeverSuccess() {
      RaftTestContext c = three().electAndBecomeReady(0);
      long req = c.command("a", 1);
      c.step(new RaftInput.AppendCompleted(c.now(), 2, List.of(2L)));
      c.applied(2, 2, new AppliedEntry.Skipped("undecodable"));
      assertInstanceOf(CommandOutcome.Retry.class, c.replyTo(req).orElseThrow());
    }

    @Test
    void oneAppendInFlightAndTheRestBatched() {
      RaftTestContext c = three().electAndBecomeReady(0);
      c.command("a", 1);
      assertEquals(1, c.appends().size());
      for (int i = 0; i < 6; i++) {
        c.command("c" + i, 1);
        assertTrue(c.appends().isEmpty(), "append in flight");
      }
      c.step(new RaftInput.AppendCompleted(c.now(), 2, List.of(2L)));
      assertEquals(4, c.lastOf(Effect.Append.class).entries().size(), "max batch size 4");
    }
  }
}
