package dev.shardraft.runtime.placement;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which shard regions may take replicas now, and whether it is a good time to move any: the
 * cluster's view of the regions' nodes, as pure functions over addresses (no Pekko types, so they
 * are unit-tested as such; {@link AntiAffinityAllocationStrategy} feeds them the cluster state).
 *
 * <p>The coordinator keeps a region of a lost node registered, with its shards, until that node is
 * removed from the cluster. A shard that a rebalance hands off from such a region waits for the
 * dead region's acknowledgement until {@code pekko.cluster.sharding.handoff-timeout} (1 minute by
 * default): one replica of its group stays stopped that long. So, as Pekko's own least-shard
 * strategy does ({@code isAGoodTimeToRebalance}), replicas are moved only while the cluster is
 * <b>calm</b>: no member is unreachable, every hosting member is {@code Up}, and the registered
 * regions are exactly those members' regions (no region of a removed or restarted node left, none
 * missing). And a replica is allocated only to a region whose member is up and reachable.
 */
public final class RegionHealth {
  private RegionHealth() {}

  /**
   * A cluster member as the allocation strategy sees it.
   *
   * @param address the member's address ({@code pekko://system@host:port})
   * @param up its status is {@code Up}
   * @param reachable no member observes it unreachable
   * @param hosts it has the replica role (or every member hosts)
   */
  public record Member(String address, boolean up, boolean reachable, boolean hosts) {}

  /**
   * The regions (of {@code regionAddress}: region -> its node's address) that may take a shard: its
   * member is up, reachable and hosts, and no other region has its address (two regions of one
   * address are a restarted node's old and new incarnation, until the coordinator has seen the old
   * one terminate: which one a shard would reach cannot be told apart by address, so neither gets
   * one for that moment).
   */
  public static <N> Set<N> allocatable(Map<N, String> regionAddress, Collection<Member> members) {
    Map<String, Member> byAddress = byAddress(members);
    Map<String, Integer> regionsPerAddress = new HashMap<>();
    regionAddress.values().forEach(a -> regionsPerAddress.merge(a, 1, Integer::sum));
    Set<N> out = new HashSet<>();
    regionAddress.forEach(
        (region, address) -> {
          Member m = byAddress.get(address);
          if (m != null
              && m.up()
              && m.reachable()
              && m.hosts()
              && regionsPerAddress.get(address) == 1) {
            out.add(region);
          }
        });
    return out;
  }

  /**
   * Whether replicas may be moved now: no member is unreachable (a hand-off waits for the
   * acknowledgement of every region and region proxy), every hosting member is up and has exactly
   * one registered region, and every region belongs to such a member.
   */
  public static boolean calm(Collection<String> regionAddresses, Collection<Member> members) {
    Set<String> hosting = new HashSet<>();
    for (Member m : members) {
      if (!m.reachable()) {
        return false; // hand-off waits for every region and proxy, a client-only one too
      }
      if (m.hosts()) {
        if (!m.up()) {
          return false;
        }
        hosting.add(m.address());
      }
    }
    Set<String> regions = new HashSet<>(regionAddresses);
    return regions.size() == regionAddresses.size() && regions.equals(hosting);
  }

  private static Map<String, Member> byAddress(Collection<Member> members) {
    Map<String, Member> out = new LinkedHashMap<>();
    members.forEach(m -> out.put(m.address(), m));
    return out;
  }
}
