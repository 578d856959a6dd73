package dev.shardraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The log-cut rule ({@link LogCut}): only a leader cuts, never above its snapshot, never above any
 * peer's reported applied index + 1.
 */
class LogCutTest {

  /** A ready leader n1 (barrier at 0, applied up to 40) whose peers reported these positions. */
  private static RaftTestContext leader(long n2Applied, long n3Applied) {
    RaftTestContext c =
        RaftTestContext.builder("n1", "n1", "n2", "n3").withTerm(1).build().electAndBecomeReady(0);
    c.applied(40, c.term(), new AppliedEntry.Skipped("test"));
    long round = ((Role.Leader) c.role()).round();
    c.deliver(new RaftMessage.HeartbeatResponse(c.term(), "n2", true, n2Applied, round));
    c.deliver(new RaftMessage.HeartbeatResponse(c.term(), "n3", true, n3Applied, round));
    return c;
  }

  @Test
  void aFollowerNeverCuts() {
    RaftTestContext c = RaftTestContext.builder("n1", "n1", "n2", "n3").withTerm(1).build();
    c.applied(40, 1, new AppliedEntry.Skipped("test"));
    assertEquals(Optional.empty(), LogCut.before(c.state(), 30));
  }

  @Test
  void theLeaderCutsBelowTheSlowestPeer() {
    assertEquals(Optional.of(13L), LogCut.before(leader(25, 12).state(), 30));
  }

  @Test
  void theLeaderNeverCutsAboveItsSnapshot() {
    assertEquals(Optional.of(20L), LogCut.before(leader(35, 38).state(), 20));
  }

  @Test
  void noCutWhileAPeerHasReportedNothing() {
    RaftTestContext c =
        RaftTestContext.builder("n1", "n1", "n2", "n3").withTerm(1).build().electAndBecomeReady(0);
    c.applied(40, c.term(), new AppliedEntry.Skipped("test"));
    assertEquals(Optional.empty(), LogCut.before(c.state(), 30));
  }
}
