package dev.shardraft.runtime.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The placement rules as pure functions: nodes are strings, shards are {@code <group>/<r>}. */
class ReplicaPlacementTest {

  private static final Function<String, String> BY_NAME = n -> n;

  private static Map<String, List<String>> nodes(String... names) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (String n : names) {
      m.put(n, new ArrayList<>());
    }
    return m;
  }

  /** Allocates every replica of {@code groups} groups of 3 in order, as a coordinator would. */
  private static void allocateAll(Map<String, List<String>> nodes, int groups, int replicas) {
    for (int g = 0; g < groups; g++) {
      for (int r = 1; r <= replicas; r++) {
        String shard = "orders-" + g + "/r" + r;
        String node = ReplicaPlacement.allocate(shard, nodes, nodes.size(), BY_NAME).orElseThrow();
        nodes.get(node).add(shard);
      }
    }
  }

  private static void assertDistinctNodesPerGroup(Map<String, List<String>> nodes) {
    for (Map.Entry<String, List<String>> e : nodes.entrySet()) {
      Set<String> groups = new HashSet<>();
      for (String s : e.getValue()) {
        assertTrue(groups.add(ReplicaPlacement.groupOf(s)), "two replicas of a group on " + e);
      }
    }
  }

  private static void assertEven(Map<String, List<String>> nodes) {
    int max = nodes.values().stream().mapToInt(List::size).max().orElse(0);
    int min = nodes.values().stream().mapToInt(List::size).min().orElse(0);
    assertTrue(max - min <= 1, "uneven: " + nodes);
  }

  @Test
  void replicasOfAGroupGoToDistinctNodesAndSpreadEvenly() {
    Map<String, List<String>> three = nodes("a", "b", "c");
    allocateAll(three, 8, 3);
    assertDistinctNodesPerGroup(three);
    three.values().forEach(ss -> assertEquals(8, ss.size(), "8 replicas per node: " + three));

    Map<String, List<String>> five = nodes("a", "b", "c", "d", "e");
    allocateAll(five, 8, 3);
    assertDistinctNodesPerGroup(five);
    assertEven(five);
  }

  @Test
  void withFewerNodesThanReplicasTheySharePreferringTheNodeWithFewestOfTheGroup() {
    Map<String, List<String>> two = nodes("a", "b");
    allocateAll(two, 4, 3);
    for (List<String> ss : two.values()) {
      for (int g = 0; g < 4; g++) {
        String group = "orders-" + g;
        long n = ss.stream().filter(s -> ReplicaPlacement.groupOf(s).equals(group)).count();
        assertTrue(n >= 1 && n <= 2, group + " has " + n + " replicas on a node: " + two);
      }
    }
    assertEven(two);
  }

  @Test
  void waitsInsteadOfSharingWhileMoreNodesAreExpected() {
    Map<String, List<String>> one = nodes("a");
    one.get("a").add("orders-0/r1");
    assertEquals(Optional.empty(), ReplicaPlacement.allocate("orders-0/r2", one, 3, BY_NAME));
    assertEquals(
        Optional.of("a"),
        ReplicaPlacement.allocate("orders-1/r1", one, 3, BY_NAME),
        "no sharing needed: allocate now");
    assertEquals(
        Optional.of("a"),
        ReplicaPlacement.allocate("orders-0/r2", one, 1, BY_NAME),
        "only one node can host: share");
    assertEquals(Optional.empty(), ReplicaPlacement.allocate("orders-0/r1", Map.of(), 0, BY_NAME));
  }

  @Test
  void rebalanceRepairsSharedNodesOneReplicaPerGroupAndKeepsQuorum() {
    // A node was lost and its replicas restarted on the two others; then a new node "c" joins.
    Map<String, List<String>> m = nodes("a", "b", "c");
    for (int g = 0; g < 6; g++) {
      m.get("a").add("orders-" + g + "/r1");
      m.get("b").add("orders-" + g + "/r2");
      m.get(g % 2 == 0 ? "a" : "b").add("orders-" + g + "/r3");
    }
    int rounds = 0;
    Set<String> inProgress = Set.of();
    while (true) {
      Set<String> moves = ReplicaPlacement.rebalance(m, inProgress, 3, 4, BY_NAME);
      assertTrue(moves.size() <= 4, "at most maxMoves: " + moves);
      Set<String> groups = new HashSet<>();
      moves.forEach(s -> assertTrue(groups.add(ReplicaPlacement.groupOf(s)), "two of a group"));
      if (moves.isEmpty()) {
        break;
      }
      // Hand-off: the moved shards are gone from the allocation; the rest of each group must keep
      // a quorum (2 of 3) while they are away.
      for (String s : moves) {
        m.values().forEach(ss -> ss.remove(s));
      }
      for (String g : groups) {
        long left =
            m.values().stream().flatMap(List::stream).filter(s -> s.startsWith(g + "/")).count();
        assertEquals(2, left, g + " kept its quorum during the move");
      }
      // While they are away a second rebalance moves nothing of those groups.
      Set<String> again = ReplicaPlacement.rebalance(m, Set.of(), 3, 4, BY_NAME);
      again.forEach(
          s -> assertTrue(!groups.contains(ReplicaPlacement.groupOf(s)), "moved twice: " + s));
      for (String s : moves) {
        String to = ReplicaPlacement.allocate(s, m, 3, BY_NAME).orElseThrow();
        m.get(to).add(s);
      }
      assertTrue(++rounds < 20, "rebalance converges");
    }
    assertDistinctNodesPerGroup(m);
    assertEven(m);
  }

  @Test
  void rebalanceSkipsGroupsWithAMoveInProgressAndEvensOutANewNode() {
    Map<String, List<String>> m = nodes("a", "b", "c", "d");
    for (int g = 0; g < 4; g++) {
      m.get("a").add("orders-" + g + "/r1");
      m.get("b").add("orders-" + g + "/r2");
      m.get("c").add("orders-" + g + "/r3");
    }
    Set<String> inProgress = new HashSet<>(Set.of("orders-0/r9"));
    Set<String> moves = ReplicaPlacement.rebalance(m, inProgress, 3, 10, BY_NAME);
    assertTrue(!moves.isEmpty(), "the empty node d gets replicas");
    moves.forEach(s -> assertTrue(!s.startsWith("orders-0/"), "orders-0 is busy: " + moves));
    Set<String> groups = new HashSet<>();
    moves.forEach(s -> assertTrue(groups.add(ReplicaPlacement.groupOf(s)), "one per group"));
    assertEquals(Set.of(), ReplicaPlacement.rebalance(nodes("a", "b"), Set.of(), 3, 10, BY_NAME));
    Map<String, List<String>> even = new HashMap<>();
    even.put("a", List.of("orders-0/r1"));
    even.put("b", List.of("orders-0/r2"));
    even.put("c", List.of("orders-0/r3"));
    assertEquals(Set.of(), ReplicaPlacement.rebalance(even, Set.of(), 3, 10, BY_NAME));
  }

  @Test
  void aShardIdWithoutAReplicaPartIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacement.groupOf("orders-1"));
    assertTrue(e.getMessage().contains("<group>/<replica>"), e.getMessage());
  }
}
