package dev.shardraft.runtime.placement;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which leadership to move next so that leaders spread evenly over the nodes, as a pure function
 * (the admin call {@code ShardedRaftAdmin.balanceLeaders} carries the moves out one at a time).
 *
 * <p>Leaders are counted per node over {@code nodes} (every node hosting replicas of the family,
 * also those leading none). While the most and least loaded counts differ by more than one, one
 * group led from a most loaded node hands leadership to its replica on the least loaded node that
 * hosts one and is at least two leaders below. Ties: nodes and groups by name. Each move lowers the
 * spread or the number of nodes at the maximum, so repeated application ends.
 */
public final class LeaderBalance {
  private LeaderBalance() {}

  /**
   * One group's leadership and placement.
   *
   * @param leader the replica that leads it now
   * @param replicaNodes replica id -> the node it runs on (replicas not running are absent)
   */
  public record GroupLeadership(String group, String leader, Map<String, String> replicaNodes) {
    public GroupLeadership {
      replicaNodes = Map.copyOf(replicaNodes);
    }

    Optional<String> leaderNode() {
      return Optional.ofNullable(replicaNodes.get(leader));
    }
  }

  /** Hand leadership of {@code group} from replica {@code from} to replica {@code to}. */
  public record Move(String group, String from, String to, String fromNode, String toNode) {}

  /** Leaders per node, with 0 for nodes of {@code nodes} that lead nothing; sorted by node. */
  public static Map<String, Integer> leadersPerNode(
      List<String> nodes, List<GroupLeadership> groups) {
    Map<String, Integer> counts = new TreeMap<>();
    nodes.forEach(n -> counts.put(n, 0));
    for (GroupLeadership g : groups) {
      g.leaderNode().ifPresent(n -> counts.merge(n, 1, Integer::sum));
    }
    return counts;
  }

  /** The next move, or empty when leaders are balanced (spread at most one) or cannot be. */
  public static Optional<Move> nextMove(List<String> nodes, List<GroupLeadership> groups) {
    Map<String, Integer> counts = leadersPerNode(nodes, groups);
    if (counts.isEmpty()) {
      return Optional.empty();
    }
    int max = counts.values().stream().max(Integer::compare).orElseThrow();
    int min = counts.values().stream().min(Integer::compare).orElseThrow();
    if (max - min <= 1) {
      return Optional.empty();
    }
    List<GroupLeadership> byName =
        groups.stream().sorted(Comparator.comparing(GroupLeadership::group)).toList();
    for (Map.Entry<String, Integer> busy : counts.entrySet()) {
      if (busy.getValue() != max) {
        continue;
      }
      Optional<Move> best = Optional.empty();
      int bestCount = Integer.MAX_VALUE;
      for (GroupLeadership g : byName) {
        if (!g.leaderNode().equals(Optional.of(busy.getKey()))) {
          continue;
        }
        for (Map.Entry<String, String> r : new TreeMap<>(g.replicaNodes()).entrySet()) {
          int c = counts.getOrDefault(r.getValue(), Integer.MAX_VALUE);
          if (c <= max - 2 && c < bestCount) {
            bestCount = c;
            best =
                Optional.of(
                    new Move(g.group(), g.leader(), r.getKey(), busy.getKey(), r.getValue()));
          }
        }
      }
      if (best.isPresent()) {
        return best;
      }
    }
    return Optional.empty();
  }
}
