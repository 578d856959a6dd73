package dev.shardraft.runtime.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The placement rules for replicas, as pure functions over "node -> shards it hosts" (no Pekko, so
 * they are unit-tested as such; {@link AntiAffinityAllocationStrategy} adapts them to Cluster
 * Sharding). Every replica is its own shard, with the id {@code <group>/<replica>} (e.g. {@code
 * orders-7/r2}); the group of a shard is the part before the last {@code '/'}.
 *
 * <p><b>Allocation</b> ({@link #allocate}): a replica goes to the least loaded node that hosts no
 * replica of its group. Only when every node already hosts one (fewer nodes than replicas) does it
 * share a node, with the node holding the fewest replicas of the group, then the least loaded. If
 * fewer nodes are registered than are known to be coming ({@code expectedNodes}, the members that
 * can host) and sharing would be needed, the answer is "wait": the caller retries later, so a
 * cluster that is still forming does not pile replicas onto its first node.
 *
 * <p><b>Rebalance</b> ({@link #rebalance}): first repairs shared nodes (a replica that shares a
 * node with another of its group moves when a node without its group exists), then evens out the
 * load (while the most and least loaded nodes differ by more than one, a replica of a group absent
 * from the least loaded node moves). Never more than {@code maxMoves} shards per round and never
 * more than one replica of a group: a group with a move in progress, or with fewer replicas
 * allocated than it has ({@code replicasPerGroup}, i.e. one is being moved or not started yet),
 * moves nothing. So a rebalance takes at most one replica of a group away at a time, and a group of
 * 3 keeps a quorum through it.
 *
 * <p>Ties are broken by the node's order in {@code order} (a stable name), so results are
 * deterministic.
 */
public final class ReplicaPlacement {
  private ReplicaPlacement() {}

  /** The group of a replica's shard id: {@code orders-7/r2 -> orders-7}. */
  public static String groupOf(String shardId) {
    int slash = shardId.lastIndexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException(
          "shard id '" + shardId + "' is not of the form <group>/<replica>");
    }
    return shardId.substring(0, slash);
  }

  /**
   * Where to allocate {@code shardId}.
   *
   * @param allocations every registered node with the shards it hosts
   * @param expectedNodes how many nodes can host replicas (cluster members that are up); more than
   *     {@code allocations.size()} while regions are still registering
   * @param order a stable name per node, for ties
   * @return the node, or empty to wait (retry later)
   */
  public static <N> Optional<N> allocate(
      String shardId,
      Map<N, ? extends List<String>> allocations,
      int expectedNodes,
      Function<N, String> order) {
    if (allocations.isEmpty()) {
      return Optional.empty();
    }
    String group = groupOf(shardId);
    Comparator<N> byLoad =
        Comparator.<N>comparingInt(n -> allocations.get(n).size()).thenComparing(order);
    Optional<N> free =
        allocations.keySet().stream()
            .filter(n -> replicasOf(group, allocations.get(n)) == 0)
            .min(byLoad);
    if (free.isPresent()) {
      return free;
    }
    if (allocations.size() < expectedNodes) {
      return Optional.empty(); // a node without this group is coming: wait for it
    }
    return allocations.keySet().stream()
        .min(
            Comparator.<N>comparingInt(n -> replicasOf(group, allocations.get(n)))
                .thenComparing(byLoad));
  }

  /**
   * Which shards to move now (the caller hands them off; each is then allocated again by {@link
   * #allocate}).
   *
   * @param allocations every registered node with the shards it hosts
   * @param inProgress shards being moved right now
   * @param replicasPerGroup how many replicas each group has
   * @param maxMoves at most this many shards in all
   */
  public static <N> Set<String> rebalance(
      Map<N, ? extends List<String>> allocations,
      Set<String> inProgress,
      int replicasPerGroup,
      int maxMoves,
      Function<N, String> order) {
    Set<String> busy = new HashSet<>();
    inProgress.forEach(s -> busy.add(groupOf(s)));
    Map<String, Integer> allocated = new HashMap<>();
    allocations
        .values()
        .forEach(ss -> ss.forEach(s -> allocated.merge(groupOf(s), 1, Integer::sum)));
    allocated.forEach(
        (g, count) -> {
          if (count < replicasPerGroup) {
            busy.add(g); // a replica of g is being moved or not started: keep the rest where it is
          }
        });
    // A working copy: node -> its shards, updated as moves are chosen.
    Map<N, List<String>> load = new HashMap<>();
    allocations.forEach((n, ss) -> load.put(n, new ArrayList<>(ss)));
    List<N> nodes = new ArrayList<>(load.keySet());
    nodes.sort(Comparator.comparing(order));
    Set<String> moves = new LinkedHashSet<>();

    // 1. Repair: a group sharing a node while some node has none of it.
    for (N n : nodes) {
      for (String s : List.copyOf(load.get(n))) {
        if (moves.size() >= maxMoves) {
          return moves;
        }
        String g = groupOf(s);
        if (busy.contains(g) || replicasOf(g, load.get(n)) < 2) {
          continue;
        }
        Optional<N> target =
            nodes.stream()
                .filter(t -> replicasOf(g, load.get(t)) == 0)
                .min(Comparator.comparingInt(t -> load.get(t).size()));
        if (target.isPresent()) {
          moves.add(s);
          busy.add(g);
          load.get(n).remove(s);
          load.get(target.get()).add(s);
        }
      }
    }
    // 2. Even out: most loaded -> least loaded, by more than one.
    while (moves.size() < maxMoves && nodes.size() > 1) {
      N most = nodes.stream().max(Comparator.comparingInt(t -> load.get(t).size())).get();
      N least = nodes.stream().min(Comparator.comparingInt(t -> load.get(t).size())).get();
      if (load.get(most).size() - load.get(least).size() <= 1) {
        break;
      }
      Optional<String> pick =
          load.get(most).stream()
              .filter(s -> !busy.contains(groupOf(s)))
              .filter(s -> replicasOf(groupOf(s), load.get(least)) == 0)
              .findFirst();
      if (pick.isEmpty()) {
        break;
      }
      String s = pick.get();
      moves.add(s);
      busy.add(groupOf(s));
      load.get(most).remove(s);
      load.get(least).add(s);
    }
    return moves;
  }

  private static int replicasOf(String group, List<String> shards) {
    int count = 0;
    for (String s : shards) {
      if (groupOf(s).equals(group)) {
        count++;
      }
    }
    return count;
  }
}
