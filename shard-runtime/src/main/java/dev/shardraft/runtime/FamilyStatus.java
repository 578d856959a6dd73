package dev.shardraft.runtime;

import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A snapshot of one group family across the cluster, as {@link ShardedRaftAdmin#status} gathered
 * it: every group, every replica, where it runs and what it reported. Replicas are asked in
 * parallel, so the snapshot is not atomic: during an election two replicas may report different
 * terms.
 */
public record FamilyStatus(String family, List<Group> groups) {
  public FamilyStatus {
    groups = List.copyOf(groups);
  }

  /**
   * One replica.
   *
   * @param node the cluster address of the node running it, if it answered
   * @param status what it reported, if it answered in time (a replica still loading reports role
   *     STARTING)
   * @param problem why there is no status, if there is none
   */
  public record Replica(
      String replica, Optional<String> node, Optional<Status> status, Optional<String> problem) {

    public boolean isReadyLeader() {
      return status.map(Status::isReadyLeader).orElse(false);
    }
  }

  /** One group and its replicas. */
  public record Group(String group, List<Replica> replicas) {
    public Group {
      replicas = List.copyOf(replicas);
    }

    /** The replica that reports itself ready leader in the highest term, if any. */
    public Optional<Replica> leader() {
      return replicas.stream()
          .filter(Replica::isReadyLeader)
          .max((a, b) -> Long.compare(a.status().get().term(), b.status().get().term()));
    }

    /** The highest term any replica reported. */
    public long term() {
      return replicas.stream()
          .flatMap(r -> r.status().stream())
          .mapToLong(Status::term)
          .max()
          .orElse(0);
    }

    /** Replicas that answered (running somewhere). */
    public long running() {
      return replicas.stream().filter(r -> r.status().isPresent()).count();
    }
  }

  /** The group called {@code group}. */
  public Optional<Group> group(String group) {
    return groups.stream().filter(g -> g.group().equals(group)).findFirst();
  }

  /** Ready leaders per node, over every node that runs a replica of the family. */
  public Map<String, Integer> leadersPerNode() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Group g : groups) {
      g.replicas().forEach(r -> r.node().ifPresent(n -> counts.putIfAbsent(n, 0)));
      g.leader().flatMap(Replica::node).ifPresent(n -> counts.merge(n, 1, Integer::sum));
    }
    return counts;
  }
}
