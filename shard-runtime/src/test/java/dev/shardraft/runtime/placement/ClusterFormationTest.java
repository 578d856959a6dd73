package dev.shardraft.runtime.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterFormationTest {

  @Test
  void beforeFormationTwoRegionsDoNotShareAGroupEvenIfOnlyTwoMembersLookUp() {
    ClusterFormation formation = new ClusterFormation(3);
    // The coordinator sees 2 members up (the third is still joining in its view) and 2 regions;
    // group g already has a replica on each: the third replica must wait, not share a node.
    Map<String, List<String>> allocations = Map.of("a", List.of("g-0/r1"), "b", List.of("g-0/r2"));
    assertEquals(3, formation.expectedNodes(2));
    assertEquals(
        Optional.empty(),
        ReplicaPlacement.allocate("g-0/r3", allocations, formation.expectedNodes(2), n -> n));
    assertFalse(formation.observe(2));
  }

  @Test
  void afterFormationALostNodesReplicasMayShareTheSurvivors() {
    ClusterFormation formation = new ClusterFormation(3);
    assertTrue(formation.observe(3), "the cluster formed");
    Map<String, List<String>> survivors = Map.of("a", List.of("g-0/r1"), "b", List.of("g-0/r2"));
    assertEquals(2, formation.expectedNodes(2), "latched: the loss of a node does not undo it");
    assertTrue(
        ReplicaPlacement.allocate("g-0/r3", survivors, formation.expectedNodes(2), n -> n)
            .isPresent());
  }
}
