package dev.shardraft.raft.core.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.core.AppliedEntry;
import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.StateMachine;
import dev.shardraft.raft.port.TailEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deterministic apply rule, sessions and snapshots. */
class ApplierTest {

  /** Appends strings to a list; the reply is the list size. Rejects nothing. */
  static class ListMachine implements StateMachine<String, Integer> {
    final List<String> items = new ArrayList<>();

    @Override
    public Result<Integer> apply(long index, String command) {
      if (command.startsWith("poison")) {
        throw new IllegalStateException("poison at " + index);
      }
      items.add(command);
      return new Result<>(items.size(), List.of(new DomainEvent(command, "added", new byte[0])));
    }

    @Override
    public byte[] snapshot() {
      return String.join("\n", items).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void restore(byte[] snapshot) {
      items.clear();
      String s = new String(snapshot, StandardCharsets.UTF_8);
      if (!s.isEmpty()) {
        items.addAll(List.of(s.split("\n")));
      }
    }

    @Override
    public Codec<String> commandCodec() {
      return new Codec<>() {
        @Override
        public byte[] encode(String value) {
          return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
          if (bytes.length == 0) {
            throw new IllegalArgumentException("empty command");
          }
          return new String(bytes, StandardCharsets.UTF_8);
        }
      };
    }

    @Override
    public Codec<Integer> replyCodec() {
      return new Codec<>() {
        @Override
        public byte[] encode(Integer value) {
          return new byte[] {value.byteValue()};
        }

        @Override
        public Integer decode(byte[] bytes) {
          return (int) bytes[0];
        }
      };
    }
  }

  private final ListMachine machine = new ListMachine();
  private final Applier<String, Integer> applier = new Applier<>(machine, 1_000);

  private static TailEvent cmd(long index, long term, String client, long seq, String payload) {
    return new TailEvent.Committed(
        index, new LogEntry(term, "n1", new LogEntry.Command(client, seq, Bytes.utf8(payload))));
  }

  private static TailEvent barrier(long index, long term, String leader) {
    return new TailEvent.Committed(index, new LogEntry(term, leader, new LogEntry.Barrier()));
  }

  private CommandOutcome outcome(TailEvent e) {
    AppliedEntry what = applier.apply(e).orElseThrow().what();
    return assertInstanceOf(AppliedEntry.CommandDecided.class, what).outcome();
  }

  @Test
  void appliesCommandsInOrderWithGapsAndReportsEvents() {
    assertEquals(
        new AppliedEntry.BarrierApplied(1, "n1"),
        applier.apply(barrier(0, 1, "n1")).orElseThrow().what());
    ApplyResult r = applier.apply(cmd(2, 1, "a", 1, "x")).orElseThrow();
    assertEquals(
        new CommandOutcome.Success(2, Bytes.of(new byte[] {1}), false),
        ((AppliedEntry.CommandDecided) r.what()).outcome());
    assertEquals(1, r.events().size());
    assertEquals(1, r.logTerm());
    assertEquals(3, applier.nextIndex());
    assertEquals(List.of("x"), machine.items);
  }

  @Test
  void retriedCommandIsAnsweredFromTheSessionAndNotAppliedTwice() {
    applier.apply(cmd(0, 1, "a", 1, "x"));
    CommandOutcome dup = outcome(cmd(2, 2, "a", 1, "x"));
    assertEquals(new CommandOutcome.Success(0, Bytes.of(new byte[] {1}), true), dup);
    assertEquals(List.of("x"), machine.items);
    assertEquals(1, applier.duplicates());
  }

  @Test
  void olderSequenceIsRejectedWithAClearReason() {
    applier.apply(cmd(0, 1, "a", 1, "x"));
    applier.apply(cmd(1, 1, "a", 2, "y"));
    CommandOutcome o = outcome(cmd(2, 1, "a", 1, "x"));
    assertTrue(assertInstanceOf(CommandOutcome.Rejected.class, o).reason().contains("older"));
    assertEquals(List.of("x", "y"), machine.items);
  }

  @Test
  void unknownSessionAcceptsOnlySequenceOne() {
    CommandOutcome o = outcome(cmd(0, 1, "a", 5, "x"));
    assertTrue(
        assertInstanceOf(CommandOutcome.SessionExpired.class, o).reason().contains("session"));
    assertTrue(machine.items.isEmpty());
  }

  @Test
  void aRetryAfterTheSessionExpiredIsSessionExpiredNotRejectedAndNotApplied() {
    Applier<String, Integer> a = new Applier<>(machine, 3);
    assertInstanceOf(CommandOutcome.Success.class, decided(a, cmd(0, 1, "c", 1, "x")));
    assertInstanceOf(CommandOutcome.Success.class, decided(a, cmd(1, 1, "c", 2, "y")));
    for (long i = 2; i <= 5; i++) {
      a.apply(new TailEvent.Undecodable(i, "pad")); // c idle for 4 positions: expired
    }
    assertTrue(a.sessions().get("c").isEmpty());
    CommandOutcome retry = decided(a, cmd(6, 1, "c", 2, "y"));
    assertInstanceOf(CommandOutcome.SessionExpired.class, retry, "outcome unknown, not Rejected");
    assertEquals(List.of("x", "y"), machine.items, "not applied a second time");
    assertEquals(1, a.sessionExpired());
  }

  @Test
  void aThrowingStateMachineFailsThatEntryRecordsItAndTheLogGoesOn() {
    assertInstanceOf(CommandOutcome.Success.class, outcome(cmd(0, 1, "a", 1, "x")));
    ApplyResult poison = applier.apply(cmd(1, 1, "a", 2, "poison")).orElseThrow();
    CommandOutcome.Failed failed =
        assertInstanceOf(
            CommandOutcome.Failed.class, ((AppliedEntry.CommandDecided) poison.what()).outcome());
    assertEquals(1, failed.index());
    assertTrue(failed.reason().contains("poison at 1"), failed.reason());
    assertTrue(poison.events().isEmpty(), "a failed command has no events");
    assertEquals(1, applier.failed());
    // A retry gets the same failure from the session; it is not applied again.
    assertEquals(
        new CommandOutcome.Failed(1, failed.reason(), true), outcome(cmd(2, 1, "a", 2, "poison")));
    assertEquals(1, applier.failed());
    // The session and the log go on.
    assertEquals(
        new CommandOutcome.Success(3, Bytes.of(new byte[] {2}), false),
        outcome(cmd(3, 1, "a", 3, "y")));
    assertEquals(List.of("x", "y"), machine.items);
  }

  @Test
  void aThrowingCodecFailsThatEntryLikeAThrowingStateMachine() {
    StateMachine<String, Integer> throwingCodec =
        new ListMachine() {
          @Override
          public Codec<String> commandCodec() {
            return new Codec<>() {
              @Override
              public byte[] encode(String value) {
                return value.getBytes(StandardCharsets.UTF_8);
              }

              @Override
              public String decode(byte[] bytes) {
                throw new IllegalStateException("codec bug");
              }
            };
          }
        };
    Applier<String, Integer> a = new Applier<>(throwingCodec, 1_000);
    CommandOutcome o = decided(a, cmd(0, 1, "a", 1, "x"));
    assertTrue(assertInstanceOf(CommandOutcome.Failed.class, o).reason().contains("codec bug"));
  }

  @Test
  void aFailureSurvivesASnapshotAndAVersion1SnapshotIsStillRead() {
    applier.apply(cmd(0, 1, "a", 1, "x"));
    applier.apply(cmd(1, 1, "b", 1, "poison"));
    Snapshot v2 = applier.snapshot();
    Applier<String, Integer> restored = new Applier<>(new ListMachine(), 1_000);
    restored.restore(v2);
    assertEquals(applier.sessions().view(), restored.sessions().view());
    assertInstanceOf(CommandOutcome.Failed.class, decided(restored, cmd(2, 1, "b", 1, "poison")));

    // Version 1, as earlier versions wrote it: no failures; its sessions read as successes.
    Applier<String, Integer> old = new Applier<>(new ListMachine(), 1_000);
    old.apply(cmd(0, 1, "a", 1, "x"));
    byte[] v1 = SnapshotCodec.encodeVersion1(1, old.sessions(), new ListMachine().snapshot());
    Applier<String, Integer> fromV1 = new Applier<>(new ListMachine(), 1_000);
    fromV1.restore(new Snapshot(1, 1, Bytes.of(v1)));
    assertEquals(old.sessions().view(), fromV1.sessions().view());
    assertEquals(
        new CommandOutcome.Success(0, Bytes.of(new byte[] {1}), true),
        decided(fromV1, cmd(1, 1, "a", 1, "x")));
  }

  @Test
  void theExpiryWindowIsReplicatedStateSetByBarriersAndKeptInSnapshots() {
    // Two appliers configured differently (two processes) decide alike: the barrier decides.
    Applier<String, Integer> big = new Applier<>(new ListMachine(), 1_000);
    Applier<String, Integer> small = new Applier<>(new ListMachine(), 2);
    for (Applier<String, Integer> a : List.of(big, small)) {
      a.apply(new TailEvent.Committed(0, new LogEntry(1, "n1", new LogEntry.Barrier(3))));
      assertEquals(3, a.sessions().expiryPositions());
      a.apply(cmd(1, 1, "c", 1, "x"));
      a.apply(new TailEvent.Undecodable(2, "pad"));
      a.apply(new TailEvent.Undecodable(3, "pad"));
      a.apply(new TailEvent.Undecodable(4, "pad"));
      assertTrue(a.sessions().get("c").isPresent(), "idle for 3 positions");
    }
    // A barrier of an earlier version (no window) and a stale-term one change nothing.
    big.apply(new TailEvent.Committed(5, new LogEntry(2, "n2", new LogEntry.Barrier())));
    big.apply(new TailEvent.Committed(6, new LogEntry(1, "n1", new LogEntry.Barrier(50))));
    assertEquals(3, big.sessions().expiryPositions());
    // The snapshot carries the window to an applier configured otherwise.
    Applier<String, Integer> restored = new Applier<>(new ListMachine(), 77);
    restored.restore(big.snapshot());
    assertEquals(3, restored.sessions().expiryPositions());
  }

  private static CommandOutcome decided(Applier<String, Integer> a, TailEvent e) {
    AppliedEntry what = a.apply(e).orElseThrow().what();
    return assertInstanceOf(AppliedEntry.CommandDecided.class, what).outcome();
  }

  @Test
  void undecodablePayloadIsRejectedNotThrown() {
    CommandOutcome o = outcome(cmd(0, 1, "a", 1, ""));
    assertInstanceOf(CommandOutcome.Rejected.class, o);
    assertTrue(machine.items.isEmpty());
  }

  @Test
  void entryOfAStaleTermIsSkippedAndCounted() {
    applier.apply(barrier(0, 3, "n2"));
    ApplyResult stale = applier.apply(cmd(1, 2, "a", 1, "zombie")).orElseThrow();
    assertInstanceOf(AppliedEntry.Skipped.class, stale.what());
    assertEquals(3, stale.logTerm());
    assertEquals(1, applier.skippedStaleTerm());
    assertTrue(machine.items.isEmpty());
    ApplyResult staleBarrier = applier.apply(barrier(2, 2, "n1")).orElseThrow();
    assertInstanceOf(AppliedEntry.Skipped.class, staleBarrier.what());
    assertEquals(
        outcome(cmd(3, 3, "a", 1, "ok")),
        new CommandOutcome.Success(3, Bytes.of(new byte[] {1}), false));
  }

  @Test
  void undecodableRecordIsSkippedAndCounted() {
    ApplyResult r = applier.apply(new TailEvent.Undecodable(0, "garbage")).orElseThrow();
    assertInstanceOf(AppliedEntry.Skipped.class, r.what());
    assertEquals(1, applier.skippedUndecodable());
    assertEquals(1, applier.nextIndex());
  }

  @Test
  void redeliveredPositionIsIgnored() {
    applier.apply(cmd(0, 1, "a", 1, "x"));
    assertTrue(applier.apply(cmd(0, 1, "a", 1, "x")).isEmpty());
    assertEquals(List.of("x"), machine.items);
  }

  @Test
  void sessionsExpireAtTheSameLogPositionEverywhere() {
    Applier<String, Integer> a = new Applier<>(new ListMachine(), 10);
    a.apply(cmd(0, 1, "old", 1, "x"));
    a.apply(cmd(5, 1, "new", 1, "y"));
    a.apply(new TailEvent.Undecodable(10, "pad"));
    assertTrue(a.sessions().get("old").isPresent(), "idle for exactly 10 positions");
    a.apply(new TailEvent.Undecodable(11, "pad"));
    assertTrue(a.sessions().get("old").isEmpty(), "idle for 11 positions");
    assertTrue(a.sessions().get("new").isPresent());
  }

  @Test
  void snapshotRestoresStateSessionsAndPosition() {
    applier.apply(barrier(0, 2, "n1"));
    applier.apply(cmd(1, 2, "a", 1, "x"));
    applier.apply(cmd(3, 2, "b", 1, "y"));
    Snapshot snap = applier.snapshot();
    assertEquals(4, snap.nextIndex());
    assertEquals(2, snap.term());

    ListMachine m2 = new ListMachine();
    Applier<String, Integer> restored = new Applier<>(m2, 1_000);
    restored.restore(snap);
    assertEquals(List.of("x", "y"), m2.items);
    assertEquals(4, restored.nextIndex());
    assertEquals(2, restored.logTerm());
    AppliedEntry dup = restored.apply(cmd(4, 2, "a", 1, "x")).orElseThrow().what();
    assertEquals(
        new CommandOutcome.Success(1, Bytes.of(new byte[] {1}), true),
        ((AppliedEntry.CommandDecided) dup).outcome());
    AppliedEntry stale = restored.apply(cmd(5, 1, "c", 1, "z")).orElseThrow().what();
    assertInstanceOf(AppliedEntry.Skipped.class, stale, "highest term survives the snapshot");
  }

  @Test
  void malformedSnapshotIsRefusedAndChangesNothing() {
    applier.apply(cmd(0, 1, "a", 1, "x"));
    byte[] good = applier.snapshot().data().toArray();
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    assertThrows(
        IllegalArgumentException.class,
        () -> applier.restore(new Snapshot(9, 1, Bytes.of(truncated))));
    assertThrows(
        IllegalArgumentException.class,
        () -> applier.restore(new Snapshot(9, 1, Bytes.of(new byte[] {1, 2}))));
    assertEquals(1, applier.nextIndex());
    assertEquals(List.of("x"), machine.items);
    assertArrayEquals(good, applier.snapshot().data().toArray());
  }
}
