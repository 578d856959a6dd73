package dev.shardraft.kafka.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.Snapshot;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecoveryStartTest {

  private static final Snapshot AT_40 = new Snapshot(40, 2, Bytes.of(new byte[] {1}));

  @Test
  void resumesAfterTheSnapshotOrFromZero() {
    assertEquals(
        new RecoveryStart(Optional.of(AT_40), 40), RecoveryStart.plan("s", Optional.of(AT_40), 40));
    assertEquals(
        new RecoveryStart(Optional.of(AT_40), 40), RecoveryStart.plan("s", Optional.of(AT_40), 12));
    assertEquals(
        new RecoveryStart(Optional.empty(), 0), RecoveryStart.plan("s", Optional.empty(), 0));
  }

  @Test
  void refusesAGapBetweenSnapshotAndLogStart() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> RecoveryStart.plan("s", Optional.of(AT_40), 41));
    assertTrue(e.getMessage().contains("covers only up to 40"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> RecoveryStart.plan("s", Optional.empty(), 1));
  }
}
