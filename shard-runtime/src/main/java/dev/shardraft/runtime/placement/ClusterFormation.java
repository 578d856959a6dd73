package dev.shardraft.runtime.placement;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this node has seen the cluster formed: at least {@code minHostingNodes} hosting members
 * {@code Up} at once. Until then, placement must not put two replicas of a group on one node just
 * because the coordinator's membership view still lacks a member that others already see as {@code
 * Up} (a forming cluster converges at different times on different nodes). After that it may: a
 * cluster that lost nodes restarts the lost replicas on the survivors. Latched, and shared by the
 * node's keep-alive and allocation strategy, so a coordinator that moves to this node after a loss
 * already knows the cluster was formed.
 */
public final class ClusterFormation {
  private final int minHostingNodes;
  private final AtomicBoolean formed = new AtomicBoolean();

  public ClusterFormation(int minHostingNodes) {
    if (minHostingNodes < 1) {
      throw new IllegalArgumentException("minHostingNodes must be >= 1, was " + minHostingNodes);
    }
    this.minHostingNodes = minHostingNodes;
  }

  /** Records that {@code up} hosting members are up now; returns whether the cluster has formed. */
  public boolean observe(int up) {
    if (up >= minHostingNodes) {
      formed.set(true);
    }
    return formed.get();
  }

  /**
   * How many hosting nodes an allocation must see registered before it may share a node: the
   * members up now, and before formation at least {@code minHostingNodes}.
   */
  public int expectedNodes(int up) {
    return observe(up) ? up : Math.max(up, minHostingNodes);
  }

  public int minHostingNodes() {
    return minHostingNodes;
  }
}
