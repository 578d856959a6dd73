package dev.shardraft.runtime.placement;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Cluster Sharding allocation strategy of replicas: {@link ReplicaPlacement}'s rules on the
 * coordinator's view (shard region -> shards). Nodes are ordered by their address, so ties are
 * broken the same way on every coordinator. The number of nodes that can host ({@code
 * expectedNodes}) is the count of members that are {@code Up} and have the replica role, and at
 * least {@code min-hosting-nodes} until this node has seen the cluster formed ({@link
 * ClusterFormation}): while fewer regions are registered, an allocation that would share a node
 * fails, and the requesting region asks again after its retry interval.
 *
 * <p>Lives on whichever node runs the shard coordinator (a cluster singleton); it keeps no state
 * between calls, so a coordinator that moves loses nothing.
 */
public final class AntiAffinityAllocationStrategy
    implements ShardCoordinator.ActorSystemDependentAllocationStrategy {
  private static final Logger LOG = LoggerFactory.getLogger(AntiAffinityAllocationStrategy.class);

  private final int replicasPerGroup;
  private final int maxMovesPerRebalance;
  private final Optional<String> role;
  private final ClusterFormation formation;
  private volatile Cluster cluster;

  /**
   * @param replicasPerGroup replicas of each group of the entity type
   * @param maxMovesPerRebalance at most this many shards per rebalance round (at most one per
   *     group, always)
   * @param role only members with this role host replicas (empty: every member)
   * @param formation whether this node has seen the cluster formed (shared with its keep-alive)
   */
  public AntiAffinityAllocationStrategy(
      int replicasPerGroup,
      int maxMovesPerRebalance,
      Optional<String> role,
      ClusterFormation formation) {
    this.replicasPerGroup = replicasPerGroup;
    this.maxMovesPerRebalance = maxMovesPerRebalance;
    this.role = role;
    this.formation = formation;
  }

  @Override
  public void start(ActorSystem system) {
    cluster = Cluster.get(system);
  }

  @Override
  public Future<ActorRef> allocateShard(
      ActorRef requester,
      String shardId,
      scala.collection.immutable.Map<ActorRef, scala.collection.immutable.IndexedSeq<String>>
          currentShardAllocations) {
    Map<ActorRef, List<String>> registered = toJava(currentShardAllocations);
    // Only regions of members that are up and reachable take a replica (a lost node's region
    // stays registered until the node is removed); a node that is only unreachable still counts
    // as expected, so that its groups' replicas wait for it rather than share a node.
    Map<ActorRef, List<String>> allocations = new HashMap<>(registered);
    if (cluster != null) {
      allocations
          .keySet()
          .retainAll(RegionHealth.allocatable(regionAddresses(registered), members()));
    }
    Optional<ActorRef> node =
        ReplicaPlacement.allocate(
            shardId, allocations, formation.expectedNodes(hostingMembers()), this::order);
    if (node.isPresent()) {
      LOG.debug("allocating {} to {} (of {} regions)", shardId, node.get(), allocations.size());
    } else {
      LOG.info(
          "not allocating {} yet: {} of {} hosting nodes registered and reachable",
          shardId,
          allocations.size(),
          hostingMembers());
    }
    return node.map(Futures::successful)
        .orElseGet(
            () ->
                Futures.<ActorRef>failed(
                    new IllegalStateException(
                        "not allocating "
                            + shardId
                            + " yet: "
                            + allocations.size()
                            + " of "
                            + hostingMembers()
                            + " hosting nodes registered and reachable, and each hosts a"
                            + " replica of its group")));
  }

  @Override
  public Future<scala.collection.immutable.Set<String>> rebalance(
      scala.collection.immutable.Map<ActorRef, scala.collection.immutable.IndexedSeq<String>>
          currentShardAllocations,
      scala.collection.immutable.Set<String> rebalanceInProgress) {
    Map<ActorRef, List<String>> allocations = toJava(currentShardAllocations);
    if (cluster != null && !RegionHealth.calm(regionAddresses(allocations).values(), members())) {
      // A node lost, joining, leaving or restarted: moving a replica now could wait for a dead
      // region's hand-off acknowledgement (RegionHealth); the next round looks again.
      LOG.debug("not rebalancing: the cluster is not calm");
      return Futures.successful(CollectionConverters.asScala(Set.<String>of()).toSet());
    }
    Set<String> moves =
        ReplicaPlacement.rebalance(
            allocations,
            new HashSet<>(CollectionConverters.asJava(rebalanceInProgress)),
            replicasPerGroup,
            maxMovesPerRebalance,
            this::order);
    return Futures.successful(CollectionConverters.asScala(moves).toSet());
  }

  private static Map<ActorRef, List<String>> toJava(
      scala.collection.immutable.Map<ActorRef, scala.collection.immutable.IndexedSeq<String>> m) {
    Map<ActorRef, List<String>> out = new HashMap<>();
    CollectionConverters.asJava(m)
        .forEach(
            (region, shards) -> out.put(region, List.copyOf(CollectionConverters.asJava(shards))));
    return out;
  }

  /** Each region's node address. */
  private Map<ActorRef, String> regionAddresses(Map<ActorRef, List<String>> allocations) {
    Map<ActorRef, String> out = new HashMap<>();
    allocations.keySet().forEach(r -> out.put(r, order(r)));
    return out;
  }

  /** The cluster's members as {@link RegionHealth} sees them (after {@link #start}). */
  private List<RegionHealth.Member> members() {
    Cluster c = cluster;
    Set<Member> unreachable = new HashSet<>(c.state().getUnreachable());
    List<RegionHealth.Member> out = new java.util.ArrayList<>();
    for (Member m : c.state().getMembers()) {
      out.add(
          new RegionHealth.Member(
              m.address().toString(),
              m.status().equals(MemberStatus.up()),
              !unreachable.contains(m),
              role.map(m::hasRole).orElse(true)));
    }
    return out;
  }

  /** Members that are up and may host replicas; 0 before {@link #start} (never waits then). */
  private int hostingMembers() {
    Cluster c = cluster;
    if (c == null) {
      return 0;
    }
    int count = 0;
    for (Member m : c.state().getMembers()) {
      if (m.status().equals(MemberStatus.up()) && role.map(m::hasRole).orElse(true)) {
        count++;
      }
    }
    return count;
  }

  /** A region's node address, the local one made absolute, as a stable name for ties. */
  private String order(ActorRef region) {
    Address a = region.path().address();
    if (a.hasLocalScope() && cluster != null) {
      a = cluster.selfAddress();
    }
    return a.toString();
  }
}
