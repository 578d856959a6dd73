package dev.shardraft.runtime.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.runtime.placement.LeaderBalance.GroupLeadership;
import dev.shardraft.runtime.placement.LeaderBalance.Move;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LeaderBalanceTest {

  private static final List<String> NODES = List.of("a", "b", "c");

  /** Groups g0..g(n-1) with replicas r1..r3 on nodes a, b, c, all led by r1 (on node a). */
  private static List<GroupLeadership> allLedFromA(int n) {
    List<GroupLeadership> groups = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      groups.add(new GroupLeadership("g" + i, "r1", Map.of("r1", "a", "r2", "b", "r3", "c")));
    }
    return groups;
  }

  private static List<GroupLeadership> apply(List<GroupLeadership> groups, Move m) {
    return groups.stream()
        .map(
            g ->
                g.group().equals(m.group())
                    ? new GroupLeadership(g.group(), m.to(), g.replicaNodes())
                    : g)
        .toList();
  }

  @Test
  void balancedLeadersNeedNoMove() {
    List<GroupLeadership> groups =
        List.of(
            new GroupLeadership("g0", "r1", Map.of("r1", "a", "r2", "b", "r3", "c")),
            new GroupLeadership("g1", "r2", Map.of("r1", "a", "r2", "b", "r3", "c")),
            new GroupLeadership("g2", "r3", Map.of("r1", "a", "r2", "b", "r3", "c")),
            new GroupLeadership("g3", "r1", Map.of("r1", "a", "r2", "b", "r3", "c")));
    assertEquals(Map.of("a", 2, "b", 1, "c", 1), LeaderBalance.leadersPerNode(NODES, groups));
    assertEquals(Optional.empty(), LeaderBalance.nextMove(NODES, groups));
  }

  @Test
  void eightLeadersOnOneNodeSpreadToThreeThreeTwo() {
    List<GroupLeadership> groups = allLedFromA(8);
    int moves = 0;
    for (Optional<Move> m = LeaderBalance.nextMove(NODES, groups);
        m.isPresent();
        m = LeaderBalance.nextMove(NODES, groups)) {
      assertEquals("a", m.get().fromNode(), "moves go away from the busiest node first");
      groups = apply(groups, m.get());
      moves++;
    }
    assertEquals(Map.of("a", 3, "b", 3, "c", 2), LeaderBalance.leadersPerNode(NODES, groups));
    assertEquals(5, moves, "no move more than needed");
  }

  @Test
  void aNodeLeadingNothingCountsAndAMoveOnlyGoesWhereTheGroupHasAReplica() {
    // d hosts no replica of g0..g3: it cannot take their leadership, however idle it is.
    List<GroupLeadership> groups = allLedFromA(4);
    List<String> nodes = List.of("a", "b", "c", "d");
    Move first = LeaderBalance.nextMove(nodes, groups).orElseThrow();
    assertTrue(List.of("b", "c").contains(first.toNode()), first.toString());
  }

  @Test
  void randomPlacementsAlwaysEndBalancedOrStuckWithoutAUsefulMove() {
    Random random = new Random(42);
    List<String> nodes = List.of("n0", "n1", "n2", "n3", "n4");
    for (int round = 0; round < 500; round++) {
      List<GroupLeadership> groups = new ArrayList<>();
      for (int g = 0; g < 1 + random.nextInt(40); g++) {
        List<String> shuffled = new ArrayList<>(nodes);
        java.util.Collections.shuffle(shuffled, random);
        groups.add(
            new GroupLeadership(
                "g" + g,
                "r" + (1 + random.nextInt(3)),
                Map.of("r1", shuffled.get(0), "r2", shuffled.get(1), "r3", shuffled.get(2))));
      }
      int steps = 0;
      for (Optional<Move> m = LeaderBalance.nextMove(nodes, groups);
          m.isPresent();
          m = LeaderBalance.nextMove(nodes, groups)) {
        groups = apply(groups, m.get());
        assertTrue(++steps <= groups.size() * 3, "round " + round + " does not end");
      }
      Map<String, Integer> counts = LeaderBalance.leadersPerNode(nodes, groups);
      int max = counts.values().stream().max(Integer::compare).orElseThrow();
      int min = counts.values().stream().min(Integer::compare).orElseThrow();
      if (max - min > 1) {
        // Stuck only when no group led from a busiest node has a replica two leaders lower.
        for (GroupLeadership g : groups) {
          if (counts.get(g.replicaNodes().get(g.leader())) == max) {
            for (String n : g.replicaNodes().values()) {
              assertTrue(counts.get(n) > max - 2, "round " + round + ": a useful move was missed");
            }
          }
        }
      }
    }
  }
}
