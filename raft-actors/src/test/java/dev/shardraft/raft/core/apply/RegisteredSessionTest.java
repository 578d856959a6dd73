package dev.shardraft.raft.core.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.core.AppliedEntry;
import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.TailEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Registered sessions (thesis §6.3): registration, the reply window, pipelining, the bound. */
class RegisteredSessionTest {
  private final ApplierTest.ListMachine machine = new ApplierTest.ListMachine();
  private final Applier<String, Integer> applier = new Applier<>(machine, 1_000);

  private static TailEvent register(long index, String name, int maxReplies) {
    return new TailEvent.Committed(
        index,
        new LogEntry(
            1,
            "n1",
            LogEntry.Command.registration(
                name, Bytes.of(SessionRegistration.payload(maxReplies)))));
  }

  private static TailEvent cmd(long index, String session, long seq, long lowest, String p) {
    return new TailEvent.Committed(
        index, new LogEntry(1, "n1", new LogEntry.Command(session, seq, Bytes.utf8(p), lowest)));
  }

  private CommandOutcome decided(TailEvent e) {
    AppliedEntry what = applier.apply(e).orElseThrow().what();
    return assertInstanceOf(AppliedEntry.CommandDecided.class, what).outcome();
  }

  private SessionRegistration.Registered registered(TailEvent e) {
    CommandOutcome.Success s = assertInstanceOf(CommandOutcome.Success.class, decided(e));
    return SessionRegistration.decodeReply(s.reply().toArray());
  }

  @Test
  void aRegistrationOpensASessionNamedByItsIndexAndCarriesItsBound() {
    SessionRegistration.Registered r = registered(register(4, "c", 7));
    assertEquals(new SessionRegistration.Registered("c@4", 7), r);
    assertTrue(applier.sessions().get("c@4").orElseThrow().registered());
    assertEquals(1, applier.registered());
    // The bound is the entry's, whatever the applier's own configuration.
    assertEquals(7, applier.sessions().get("c@4").orElseThrow().maxReplies());
  }

  @Test
  void aRetryOfSequenceOneAfterItsSessionExpiredIsSessionExpiredAndNeverAppliedAgain() {
    Applier<String, Integer> a = new Applier<>(machine, 3);
    a.apply(register(0, "c", 8));
    a.apply(cmd(1, "c@0", 1, 1, "x"));
    for (long i = 2; i <= 5; i++) {
      a.apply(new TailEvent.Undecodable(i, "pad")); // idle for 4 positions: expired
    }
    assertTrue(a.sessions().get("c@0").isEmpty());
    AppliedEntry what = a.apply(cmd(6, "c@0", 1, 1, "x")).orElseThrow().what();
    assertInstanceOf(
        CommandOutcome.SessionExpired.class,
        ((AppliedEntry.CommandDecided) what).outcome(),
        "sequence 1 of a registered protocol never opens a session");
    assertEquals(List.of("x"), machine.items, "not applied a second time");
  }

  @Test
  void aCommandOfANeverRegisteredSessionIsSessionExpiredEvenAtSequenceOne() {
    assertInstanceOf(CommandOutcome.SessionExpired.class, decided(cmd(0, "x@9", 1, 1, "a")));
    assertTrue(machine.items.isEmpty());
  }

  @Test
  void everyRegistrationIsANewSessionSoARestartedClientNeverGetsAnOldReply() {
    String first = registered(register(0, "c", 8)).sessionId();
    assertEquals(
        new CommandOutcome.Success(1, Bytes.of(new byte[] {1}), false),
        decided(cmd(1, first, 1, 1, "x")));
    // The client restarts with the same name: a new registration, a new session.
    String second = registered(register(2, "c", 8)).sessionId();
    assertNotEquals(first, second);
    CommandOutcome o = decided(cmd(3, second, 1, 1, "y"));
    assertEquals(
        new CommandOutcome.Success(3, Bytes.of(new byte[] {2}), false),
        o,
        "its new command is applied, not answered with the old incarnation's reply");
    assertEquals(List.of("x", "y"), machine.items);
  }

  @Test
  void pipelinedCommandsApplyOnceInAnyOrderAndDuplicatesInTheWindowGetTheirReply() {
    String s = registered(register(0, "c", 8)).sessionId();
    decided(cmd(1, s, 3, 1, "c3"));
    decided(cmd(2, s, 1, 1, "c1"));
    decided(cmd(3, s, 2, 1, "c2"));
    assertEquals(List.of("c3", "c1", "c2"), machine.items);
    assertEquals(
        new CommandOutcome.Success(2, Bytes.of(new byte[] {2}), true),
        decided(cmd(4, s, 1, 1, "c1")));
    assertEquals(
        new CommandOutcome.Success(1, Bytes.of(new byte[] {1}), true),
        decided(cmd(5, s, 3, 2, "c3")));
    assertEquals(3, machine.items.size(), "no duplicate applied");
    assertEquals(
        List.of(2L, 3L), List.copyOf(applier.sessions().get(s).orElseThrow().replies().keySet()));
  }

  @Test
  void aSequenceBelowTheWindowIsRejectedAsAnsweredWithItsReplyDiscarded() {
    String s = registered(register(0, "c", 8)).sessionId();
    decided(cmd(1, s, 1, 1, "c1"));
    decided(cmd(2, s, 2, 1, "c2"));
    decided(cmd(3, s, 3, 3, "c3")); // the client saw 1 and 2 answered
    CommandOutcome late = decided(cmd(4, s, 2, 1, "c2")); // a delayed copy of 2
    assertTrue(
        assertInstanceOf(CommandOutcome.Rejected.class, late).reason().contains("below its window"),
        late.toString());
    assertEquals(List.of("c1", "c2", "c3"), machine.items);
    // A delayed copy of a command the client gave up on is not applied either.
    decided(cmd(5, s, 6, 5, "c6")); // 4 and 5 abandoned by the client
    assertInstanceOf(CommandOutcome.Rejected.class, decided(cmd(6, s, 4, 4, "c4")));
    assertEquals(List.of("c1", "c2", "c3", "c6"), machine.items);
  }

  @Test
  void aClientOverTheReplyBoundIsRejectedNamingTheKeyAndLosesItsSession() {
    String s = registered(register(0, "c", 2)).sessionId();
    decided(cmd(1, s, 1, 1, "c1"));
    decided(cmd(2, s, 2, 1, "c2"));
    CommandOutcome over = decided(cmd(3, s, 3, 1, "c3"));
    assertTrue(
        assertInstanceOf(CommandOutcome.Rejected.class, over)
            .reason()
            .contains("shardraft.replica.session-max-replies"),
        over.toString());
    assertTrue(applier.sessions().get(s).isEmpty(), "closed");
    assertInstanceOf(CommandOutcome.SessionExpired.class, decided(cmd(4, s, 3, 3, "c3")));
    assertEquals(List.of("c1", "c2"), machine.items);
    // Within the bound, a window that moves on keeps the session going.
    String t = registered(register(5, "d", 2)).sessionId();
    for (long seq = 1; seq <= 10; seq++) {
      assertInstanceOf(
          CommandOutcome.Success.class,
          decided(cmd(5 + seq, t, seq, Math.max(1, seq - 1), "d" + seq)));
    }
  }

  @Test
  void aFailedCommandOfARegisteredSessionIsKeptLikeAReply() {
    String s = registered(register(0, "c", 8)).sessionId();
    CommandOutcome f = decided(cmd(1, s, 1, 1, "poison"));
    assertEquals(1, assertInstanceOf(CommandOutcome.Failed.class, f).index());
    CommandOutcome again = decided(cmd(2, s, 1, 1, "poison"));
    assertTrue(assertInstanceOf(CommandOutcome.Failed.class, again).duplicate());
  }

  @Test
  void legacyCommandsKeepTheEarlierRuleAndDoNotTouchRegisteredSessions() {
    // A command written without lowestUnacked (an earlier version's) opens a session at 1.
    assertInstanceOf(CommandOutcome.Success.class, decided(cmd(0, "old", 1, 0, "a")));
    String s = registered(register(1, "c", 8)).sessionId();
    // Neither protocol's command reaches the other's session.
    assertInstanceOf(CommandOutcome.SessionExpired.class, decided(cmd(2, s, 1, 0, "b")));
    assertInstanceOf(CommandOutcome.SessionExpired.class, decided(cmd(3, "old", 2, 2, "b")));
    assertEquals(List.of("a"), machine.items);
  }

  @Test
  void version3SnapshotsKeepRegisteredSessionsAndVersion2IsStillRead() {
    String s = registered(register(0, "c", 8)).sessionId();
    decided(cmd(1, s, 1, 1, "c1"));
    decided(cmd(2, s, 2, 1, "poison"));
    decided(cmd(3, "old", 1, 0, "l1"));
    Snapshot v3 = applier.snapshot();
    Applier<String, Integer> restored = new Applier<>(new ApplierTest.ListMachine(), 1_000);
    restored.restore(v3);
    assertEquals(applier.sessions().view(), restored.sessions().view());
    assertEquals(
        new CommandOutcome.Success(1, Bytes.of(new byte[] {1}), true),
        ((AppliedEntry.CommandDecided) restored.apply(cmd(4, s, 1, 1, "c1")).orElseThrow().what())
            .outcome());

    // Version 2 (legacy sessions only), as the previous version wrote it.
    Applier<String, Integer> old = new Applier<>(new ApplierTest.ListMachine(), 1_000);
    old.apply(cmd(0, "a", 1, 0, "x"));
    old.apply(cmd(1, "b", 1, 0, "poison"));
    byte[] v2 = SnapshotCodec.encodeVersion2(1, old.sessions(), new byte[0]);
    Applier<String, Integer> fromV2 = new Applier<>(new ApplierTest.ListMachine(), 5);
    fromV2.restore(new Snapshot(2, 1, Bytes.of(v2)));
    assertEquals(old.sessions().view(), fromV2.sessions().view());
    assertEquals(1_000, fromV2.sessions().expiryPositions(), "version 2 carries the window");
    assertThrows(
        IllegalArgumentException.class,
        () -> SnapshotCodec.encodeVersion2(1, applier.sessions(), new byte[0]),
        "version 2 cannot hold a registered session");
  }
}
