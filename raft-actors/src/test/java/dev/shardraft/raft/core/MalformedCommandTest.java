package dev.shardraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.core.apply.SessionRegistration;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear answer and never breaks the leader or the commands batched with it. */
class MalformedCommandTest {

  private static RaftTestContext readyLeader() {
    return RaftTestContext.builder("n1", "n1", "n2", "n3")
        .withTerm(1)
        .build()
        .electAndBecomeReady(0);
  }

  private static long submit(RaftTestContext c, String clientId, long sequence, Bytes payload) {
    long requestId = 9_000 + sequence;
    c.step(new RaftInput.ClientCommand(c.now(), requestId, clientId, sequence, payload));
    return requestId;
  }

  @Test
  void aNegativeSequenceIsRejectedAndTheLeaderKeepsWorking() {
    // (Sequence 0 is a session registration since registered sessions: see the next test.)
    RaftTestContext c = readyLeader();
    long bad = submit(c, "a", -1, Bytes.of(new byte[] {1}));
    CommandOutcome.Rejected rejected =
        assertInstanceOf(CommandOutcome.Rejected.class, c.replyTo(bad).orElseThrow());
    assertTrue(rejected.reason().contains("sequence must be >= 0"), rejected.reason());
    long above = 7_777;
    c.step(new RaftInput.ClientCommand(c.now(), above, "a", 2, Bytes.of(new byte[] {1}), 3));
    CommandOutcome.Rejected lowest =
        assertInstanceOf(CommandOutcome.Rejected.class, c.replyTo(above).orElseThrow());
    assertTrue(
        lowest.reason().contains("lowestUnacked must be in [0, sequence 2]"), lowest.reason());
    assertInstanceOf(Role.Leader.class, c.role());

    long good = c.command("a", 1);
    assertInstanceOf(Role.Leader.class, c.role());
    List<Effect.Append> appends = c.appends();
    assertEquals(1, appends.size(), "the good command is appended: " + c.effects());
    assertEquals(1, appends.get(0).entries().size());
    assertTrue(c.replyTo(good).isEmpty(), "answered only once applied");
  }

  @Test
  void aRegistrationIsAppendedWithTheLeadersReplyBound() {
    RaftTestContext c = readyLeader();
    submit(c, "client-name", 0, Bytes.EMPTY);
    List<Effect.Append> appends = c.appends();
    assertEquals(1, appends.size(), c.effects().toString());
    LogEntry.Command reg = (LogEntry.Command) appends.get(0).entries().get(0).body();
    assertTrue(reg.isRegistration());
    assertEquals("client-name", reg.clientId());
    assertEquals(
        Bytes.of(SessionRegistration.payload(RaftConfig.DEFAULT_SESSION_MAX_REPLIES)),
        reg.payload(),
        "the bound is the leader's configuration, written into the entry");
  }

  @Test
  void anEmptyClientIdIsRejectedEvenByAFollower() {
    RaftTestContext c = RaftTestContext.builder("n1", "n1", "n2", "n3").withTerm(1).build();
    long bad = submit(c, "", 1, Bytes.of(new byte[] {1}));
    CommandOutcome.Rejected rejected =
        assertInstanceOf(CommandOutcome.Rejected.class, c.replyTo(bad).orElseThrow());
    assertTrue(rejected.reason().contains("clientId"), rejected.reason());
  }

  /** What the actor shell used to check before the core: a missing client id or payload. */
  @Test
  void aNullClientIdOrPayloadIsRejectedByTheLeader() {
    RaftTestContext c = readyLeader();
    long noClient = submit(c, null, 1, Bytes.of(new byte[] {1}));
    assertInstanceOf(CommandOutcome.Rejected.class, c.replyTo(noClient).orElseThrow());
    long noPayload = submit(c, "a", 2, null);
    CommandOutcome.Rejected rejected =
        assertInstanceOf(CommandOutcome.Rejected.class, c.replyTo(noPayload).orElseThrow());
    assertTrue(rejected.reason().contains("payload"), rejected.reason());
    assertInstanceOf(Role.Leader.class, c.role());
    assertEquals(List.of(), c.appends(), "nothing malformed reaches a batch");
  }

  @Test
  void anOversizeCommandIsRejectedAtSubmitAndNeverReachesTheLog() {
    RaftTestContext c = readyLeader(); // max-command-bytes 64 in the test configuration
    long tooLarge = submit(c, "a", 1, Bytes.of(new byte[65]));
    CommandOutcome.Rejected rejected =
        assertInstanceOf(CommandOutcome.Rejected.class, c.replyTo(tooLarge).orElseThrow());
    assertTrue(rejected.reason().contains("command too large"), rejected.reason());
    assertTrue(rejected.reason().contains("65 bytes"), rejected.reason());
    assertEquals(List.of(), c.appends(), "nothing oversize reaches a batch");
    assertInstanceOf(Role.Leader.class, c.role(), "the leader does not step down");

    long fits = submit(c, "a", 1, Bytes.of(new byte[64]));
    assertTrue(c.replyTo(fits).isEmpty(), "a command of exactly the limit is taken");
    assertEquals(1, c.appends().size());
  }
}
