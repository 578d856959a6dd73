package dev.shardraft.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.runtime.RaftGroups;
import dev.shardraft.runtime.placement.ReplicaPlacement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which shard each replica entity is in, and that placement by those shards stays safe. */
class BucketShardsTest {

  private static List<String> groups(int n) {
    return IntStream.range(0, n).mapToObj(i -> "orders-" + i).toList();
  }

  @Test
  void aFamilyOfAtMostBucketsGroupsHasOneShardPerReplica() {
    BucketShards shards = new BucketShards(groups(8), 64);
    for (String g : groups(8)) {
      for (String r : RaftGroups.members(3)) {
        assertEquals(g + "/" + r, shards.shardId(g + "/" + r));
      }
    }
  }

  @Test
  void aLargeFamilyHasBucketsTimesReplicasShardsEachWithOneReplicaOfAGroup() {
    List<String> groups = groups(1024);
    BucketShards shards = new BucketShards(groups, 64);
    Map<String, Set<String>> groupsOfShard = new HashMap<>();
    for (String g : groups) {
      for (String r : RaftGroups.members(3)) {
        String shard = shards.shardId(g + "/" + r);
        assertTrue(shard.endsWith("/" + r), shard + " holds replica " + r);
        assertTrue(groupsOfShard.computeIfAbsent(shard, s -> new HashSet<>()).add(g));
      }
    }
    assertEquals(64 * 3, groupsOfShard.size());
    groupsOfShard.values().forEach(gs -> assertEquals(1024 / 64, gs.size()));
    assertEquals("orders-7/r2", shards.shardId("orders-71/r2")); // 71 mod 64
  }

  /**
   * The allocation rules see a bucket as a group: allocating every shard of a large family over 3
   * nodes, then mapping each replica to its shard's node, never puts two replicas of one group on
   * one node.
   */
  @Test
  void placingBucketShardsKeepsTheReplicasOfEveryGroupOnDistinctNodes() {
    List<String> groups = groups(1000); // not a multiple of the buckets: the last ones are smaller
    BucketShards shards = new BucketShards(groups, 64);
    Map<String, List<String>> nodes = new LinkedHashMap<>();
    for (String n : List.of("a", "b", "c")) {
      nodes.put(n, new ArrayList<>());
    }
    Map<String, String> nodeOfShard = new HashMap<>();
    for (String g : groups) {
      for (String r : RaftGroups.members(3)) {
        String shard = shards.shardId(g + "/" + r);
        if (!nodeOfShard.containsKey(shard)) {
          String node = ReplicaPlacement.allocate(shard, nodes, 3, n -> n).orElseThrow();
          nodes.get(node).add(shard);
          nodeOfShard.put(shard, node);
        }
      }
    }
    for (String g : groups) {
      Set<String> used = new HashSet<>();
      for (String r : RaftGroups.members(3)) {
        assertTrue(used.add(nodeOfShard.get(shards.shardId(g + "/" + r))), g + " shares a node");
      }
    }
    nodes.values().forEach(ss -> assertEquals(64, ss.size(), "even: " + nodes));
  }

  @Test
  void anEntityIdOfNoGroupOfTheFamilyIsRefusedWithItsName() {
    BucketShards shards = new BucketShards(groups(4), 2);
    for (String bad : List.of("orders-9/r1", "orders-1", "orders-1/", "/r1", "other-0/r1")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> shards.shardId(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new BucketShards(groups(4), 0));
  }
}
