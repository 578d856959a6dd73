package dev.shardraft.kafka.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.Snapshot;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProjectionStartTest {

  private static final Snapshot AT_30 = new Snapshot(30, 2, Bytes.of(new byte[] {1}));

  @Test
  void aNewProjectionOnAnUntruncatedLogStartsAtZero() {
    assertEquals(
        new ProjectionStart(Optional.empty(), 0, 0),
        ProjectionStart.plan("s", OptionalLong.empty(), 0, Optional.of(AT_30)));
  }

  @Test
  void aNewProjectionOnATruncatedLogStartsAtTheSnapshotAndSeedsItsOffset() {
    assertEquals(
        new ProjectionStart(Optional.of(AT_30), 30, 30),
        ProjectionStart.plan("s", OptionalLong.empty(), 25, Optional.of(AT_30)));
    assertThrows(
        IllegalStateException.class,
        () -> ProjectionStart.plan("s", OptionalLong.empty(), 31, Optional.of(AT_30)));
  }

  @Test
  void aRestartRestoresAUsableSnapshotThenReplaysToTheCommittedOffset() {
    assertEquals(
        new ProjectionStart(Optional.of(AT_30), 30, 45),
        ProjectionStart.plan("s", OptionalLong.of(45), 10, Optional.of(AT_30)));
  }

  @Test
  void aRestartReplaysFromZeroWhenTheSnapshotIsAheadOfTheCommittedOffset() {
    assertEquals(
        new ProjectionStart(Optional.empty(), 0, 20),
        ProjectionStart.plan("s", OptionalLong.of(20), 0, Optional.of(AT_30)));
  }

  @Test
  void aRestartRefusesWhenTheLogWasTruncatedPastWhatItCanRebuild() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ProjectionStart.plan("s", OptionalLong.of(20), 15, Optional.of(AT_30)));
    assertTrue(
        e.getMessage().contains("do not truncate the log past the projection's committed offset"),
        e.getMessage());
  }
}
