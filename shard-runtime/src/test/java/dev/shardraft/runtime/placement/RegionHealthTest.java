package dev.shardraft.runtime.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.runtime.placement.RegionHealth.Member;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegionHealthTest {
  private static final String A = "pekko://s@127.0.0.1:1";
  private static final String B = "pekko://s@127.0.0.1:2";
  private static final String C = "pekko://s@127.0.0.1:3";
  private static final String CLIENT = "pekko://s@127.0.0.1:9";

  private static Member up(String address) {
    return new Member(address, true, true, true);
  }

  @Test
  void aClusterOfUpReachableHostsWithOneRegionEachIsCalm() {
    List<Member> members = List.of(up(A), up(B), up(C), new Member(CLIENT, true, true, false));
    assertTrue(RegionHealth.calm(List.of(A, B, C), members));
  }

  @Test
  void aLostNodeWhoseRegionIsStillRegisteredIsNotCalmAndTakesNoReplica() {
    // The node at C was SIGKILLed: still Up, unreachable, its region still registered with its
    // shards. Moving one of them would wait for C's hand-off acknowledgement until the timeout.
    List<Member> members = List.of(up(A), up(B), new Member(C, true, false, true));
    assertFalse(RegionHealth.calm(List.of(A, B, C), members));
    assertEquals(
        Set.of("a", "b"), RegionHealth.allocatable(Map.of("a", A, "b", B, "c", C), members));
  }

  @Test
  void aRestartedNodeWithItsOldRegionStillRegisteredIsNotCalmAndTakesNoReplicaForThatMoment() {
    // The old incarnation was removed and the new one is Up at the same address, but the
    // coordinator has not yet seen the old region terminate: two regions of one address.
    List<Member> members = List.of(up(A), up(B), up(C));
    assertFalse(RegionHealth.calm(List.of(A, B, C, C), members));
    assertEquals(
        Set.of("a", "b"),
        RegionHealth.allocatable(Map.of("a", A, "b", B, "c-old", C, "c-new", C), members));
  }

  @Test
  void aJoiningOrLeavingHostIsNotCalm() {
    assertFalse(
        RegionHealth.calm(List.of(A, B), List.of(up(A), up(B), new Member(C, false, true, true))));
    assertFalse(
        RegionHealth.calm(
            List.of(A, B, C), List.of(up(A), up(B), new Member(C, false, true, true))));
  }

  @Test
  void aHostWithoutARegionYetOrARegionWithoutAMemberIsNotCalm() {
    assertFalse(RegionHealth.calm(List.of(A, B), List.of(up(A), up(B), up(C))));
    assertFalse(RegionHealth.calm(List.of(A, B, C), List.of(up(A), up(B))));
    assertEquals(Set.of("a"), RegionHealth.allocatable(Map.of("a", A, "c", C), List.of(up(A))));
  }

  @Test
  void anUnreachableClientOnlyMemberStopsRebalancingButNotAllocation() {
    // Its region proxy is asked to acknowledge every hand-off too.
    List<Member> members = List.of(up(A), up(B), up(C), new Member(CLIENT, true, false, false));
    assertFalse(RegionHealth.calm(List.of(A, B, C), members));
    assertEquals(
        Set.of("a", "b", "c"), RegionHealth.allocatable(Map.of("a", A, "b", B, "c", C), members));
  }
}
