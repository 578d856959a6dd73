package dev.shardraft.sample.shop.node;

import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.runtime.FamilyStatus;
import dev.shardraft.runtime.ShardedRaft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * What {@code GET /status} answers and the status page shows: this node, the cluster's members, and
 * for every group of every family its leader, term and each replica's node, role, term, applied
 * position and lag behind the leader.
 */
public final class ShopStatus {

  /** The whole answer. */
  public record Snapshot(
      String node, String self, List<MemberView> members, List<FamilyView> families) {}

  /** One cluster member. */
  public record MemberView(String address, String status, boolean reachable) {}

  /** One group family. */
  public record FamilyView(String family, List<GroupView> groups) {}

  /**
   * One group.
   *
   * @param leader the ready leader's replica id, or null when the group has none
   */
  public record GroupView(
      String group, String leader, String leaderNode, long term, List<ReplicaView> replicas) {}

  /**
   * One replica.
   *
   * @param lag how many log positions it has applied fewer than the leader (null without leader)
   * @param problem why it gave no status, or null
   */
  public record ReplicaView(
      String replica,
      String node,
      String role,
      Long term,
      Long applied,
      Long lag,
      String problem) {}

  private final String name;
  private final ActorSystem<?> system;
  private final List<ShardedRaft<?, ?>> families;
  private final Duration timeout;

  public ShopStatus(
      String name, ActorSystem<?> system, List<ShardedRaft<?, ?>> families, Duration timeout) {
    this.name = name;
    this.system = system;
    this.families = List.copyOf(families);
    this.timeout = timeout;
  }

  public CompletionStage<Snapshot> snapshot() {
    List<CompletableFuture<FamilyStatus>> asks = new ArrayList<>();
    for (ShardedRaft<?, ?> f : families) {
      asks.add(f.admin().status(timeout).toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              Cluster cluster = Cluster.get(system);
              var unreachable = cluster.state().getUnreachable();
              List<MemberView> members =
                  StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
                      .map(
                          (Member m) ->
                              new MemberView(
                                  m.address().toString(),
                                  m.status().toString(),
                                  !unreachable.contains(m)))
                      .toList();
              return new Snapshot(
                  name,
                  cluster.selfMember().address().toString(),
                  members,
                  asks.stream().map(CompletableFuture::join).map(ShopStatus::family).toList());
            });
  }

  private static FamilyView family(FamilyStatus f) {
    return new FamilyView(f.family(), f.groups().stream().map(ShopStatus::group).toList());
  }

  private static GroupView group(FamilyStatus.Group g) {
    Optional<FamilyStatus.Replica> leader = g.leader();
    Optional<Long> leaderApplied =
        leader.flatMap(FamilyStatus.Replica::status).map(Status::appliedIndex);
    List<ReplicaView> replicas =
        g.replicas().stream()
            .map(
                r ->
                    new ReplicaView(
                        r.replica(),
                        r.node().orElse(null),
                        r.status().map(s -> s.role().toString()).orElse(null),
                        r.status().map(Status::term).orElse(null),
                        r.status().map(Status::appliedIndex).orElse(null),
                        leaderApplied.isPresent() && r.status().isPresent()
                            ? Math.max(0, leaderApplied.get() - r.status().get().appliedIndex())
                            : null,
                        r.problem().orElse(null)))
            .toList();
    return new GroupView(
        g.group(),
        leader.map(FamilyStatus.Replica::replica).orElse(null),
        leader.flatMap(FamilyStatus.Replica::node).orElse(null),
        g.term(),
        replicas);
  }
}
