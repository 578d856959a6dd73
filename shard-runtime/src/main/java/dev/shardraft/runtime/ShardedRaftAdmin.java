package dev.shardraft.runtime;

import dev.shardraft.raft.actor.ReplicaProtocol.GetStatus;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferLeadership;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferRefused;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferReply;
import dev.shardraft.runtime.node.ReplicaEntity;
import dev.shardraft.runtime.placement.LeaderBalance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator calls on one group family, from any node: a status snapshot of every group and replica
 * with the node each runs on, a leadership transfer, and balancing leaders over the nodes ({@link
 * LeaderBalance}). Non-blocking: every call returns a {@code CompletionStage}; failures are {@link
 * ShardedRaftException.AdminFailed}. Obtained from {@link ShardedRaft#admin()}.
 */
public final class ShardedRaftAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(ShardedRaftAdmin.class);
  private static final Duration POLL = Duration.ofMillis(50);

  private final ShardedRaft<?, ?> raft;
  private final ActorSystem<?> system;

  ShardedRaftAdmin(ShardedRaft<?, ?> raft, ActorSystem<?> system) {
    this.raft = raft;
    this.system = system;
  }

  /** Asks every replica of every group for its status and node, waiting up to {@code timeout}. */
  public CompletionStage<FamilyStatus> status(Duration timeout) {
    Map<String, List<CompletableFuture<FamilyStatus.Replica>>> asks = new LinkedHashMap<>();
    for (String group : raft.groups().groups()) {
      List<CompletableFuture<FamilyStatus.Replica>> replicas = new ArrayList<>();
      for (String replica : raft.members()) {
        replicas.add(replicaStatus(group, replica, timeout));
      }
      asks.put(group, replicas);
    }
    return CompletableFuture.allOf(
            asks.values().stream().flatMap(List::stream).toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<FamilyStatus.Group> groups = new ArrayList<>();
              asks.forEach(
                  (group, replicas) ->
                      groups.add(
                          new FamilyStatus.Group(
                              group, replicas.stream().map(CompletableFuture::join).toList())));
              return new FamilyStatus(raft.groups().family(), groups);
            });
  }

  private CompletableFuture<FamilyStatus.Replica> replicaStatus(
      String group, String replica, Duration timeout) {
    CompletableFuture<ReplicaEntity.Placed> placed =
        raft.<ReplicaEntity.Placed>askReplica(
            group, replica, ReplicaEntity.GetPlacement::new, timeout);
    CompletableFuture<Status> status =
        raft.<Status>askReplica(
            group, replica, replyTo -> new ReplicaEntity.Deliver(new GetStatus(replyTo)), timeout);
    // A replica that does not answer yields an empty field, never a failed snapshot.
    CompletableFuture<Optional<String>> node =
        placed.handle((p, failure) -> Optional.ofNullable(p).map(ReplicaEntity.Placed::node));
    CompletableFuture<Optional<Status>> reported =
        status.handle((st, failure) -> Optional.ofNullable(st));
    return node.thenCombine(
        reported,
        (n, st) ->
            new FamilyStatus.Replica(
                replica,
                n,
                st,
                st.isPresent()
                    ? Optional.empty()
                    : Optional.of("no status within " + timeout.toMillis() + " ms")));
  }

  /**
   * Makes replica {@code target} of {@code group} its leader: asks the current ready leader to
   * transfer, and completes when {@code target} reports itself ready leader. Completes at once if
   * it already is.
   */
  public CompletionStage<Void> transferLeadership(String group, String target, Duration timeout) {
    if (!raft.groups().groups().contains(group) || !raft.members().contains(target)) {
      throw new IllegalArgumentException(
          group + "/" + target + " is not a replica of family " + raft.groups().family());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    return status(timeout)
        .thenCompose(
            family -> {
              FamilyStatus.Group g = family.group(group).orElseThrow();
              Optional<FamilyStatus.Replica> leader = g.leader();
              if (leader.isEmpty()) {
                throw new ShardedRaftException.AdminFailed(group, group + " has no ready leader");
              }
              if (leader.get().replica().equals(target)) {
                return CompletableFuture.completedFuture(null);
              }
              String from = leader.get().replica();
              return raft.<TransferReply>askReplica(
                      group,
                      from,
                      replyTo -> new ReplicaEntity.Deliver(new TransferLeadership(target, replyTo)),
                      timeout)
                  .thenCompose(
                      reply -> {
                        if (reply instanceof TransferRefused r) {
                          throw new ShardedRaftException.AdminFailed(
                              group,
                              group
                                  + "/"
                                  + from
                                  + " refused to transfer to "
                                  + target
                                  + ": "
                                  + r.reason());
                        }
                        LOG.info("{}: leadership transfer {} -> {} started", group, from, target);
                        return awaitReadyLeader(group, target, deadline);
                      });
            });
  }

  private CompletionStage<Void> awaitReadyLeader(String group, String target, long deadline) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    pollReadyLeader(group, target, deadline, done);
    return done;
  }

  private void pollReadyLeader(
      String group, String target, long deadline, CompletableFuture<Void> done) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      done.completeExceptionally(
          new ShardedRaftException.AdminFailed(
              group, group + "/" + target + " did not become ready leader in time"));
      return;
    }
    raft.status(group, target, Duration.ofNanos(Math.max(left, POLL.toNanos())))
        .whenComplete(
            (s, failure) -> {
              if (s != null && s.isReadyLeader()) {
                done.complete(null);
              } else {
                system
                    .scheduler()
                    .scheduleOnce(
                        POLL,
                        () -> pollReadyLeader(group, target, deadline, done),
                        system.executionContext());
              }
            });
  }

  /**
   * Moves leaderships, one at a time, until leaders per node differ by at most one (or no move can
   * improve it), each move a {@link #transferLeadership}. Completes with the moves made.
   */
  public CompletionStage<List<LeaderBalance.Move>> balanceLeaders(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<LeaderBalance.Move> made = new ArrayList<>();
    return balanceStep(deadline, made, raft.groups().count() * raft.members().size());
  }

  private CompletionStage<List<LeaderBalance.Move>> balanceStep(
      long deadline, List<LeaderBalance.Move> made, int movesLeft) {
    Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1));
    return status(left)
        .thenCompose(
            family -> {
              Optional<LeaderBalance.Move> next =
                  LeaderBalance.nextMove(
                      new ArrayList<>(family.leadersPerNode().keySet()), leadership(family));
              if (next.isEmpty() || movesLeft == 0 || System.nanoTime() > deadline) {
                LOG.info(
                    "family {}: leaders per node {} after {} moves",
                    family.family(),
                    family.leadersPerNode(),
                    made.size());
                return CompletableFuture.completedFuture(List.copyOf(made));
              }
              LeaderBalance.Move move = next.get();
              return transferLeadership(
                      move.group(),
                      move.to(),
                      Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1)))
                  .thenCompose(
                      ok -> {
                        made.add(move);
                        return balanceStep(deadline, made, movesLeft - 1);
                      });
            });
  }

  private static List<LeaderBalance.GroupLeadership> leadership(FamilyStatus family) {
    List<LeaderBalance.GroupLeadership> groups = new ArrayList<>();
    for (FamilyStatus.Group g : family.groups()) {
      Optional<FamilyStatus.Replica> leader = g.leader();
      if (leader.isEmpty()) {
        continue;
      }
      Map<String, String> nodes = new LinkedHashMap<>();
      g.replicas().forEach(r -> r.node().ifPresent(n -> nodes.put(r.replica(), n)));
      groups.add(new LeaderBalance.GroupLeadership(g.group(), leader.get().replica(), nodes));
    }
    return groups;
  }
}
