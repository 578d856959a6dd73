package dev.shardraft.runtime;

import dev.shardraft.raft.port.QueryableStateMachine;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * A family of Raft groups that share a state machine type: {@code count} groups named {@code
 * <family>-0 .. <family>-(count-1)}, each with replicas {@code r1 .. rN}. Business keys map to a
 * group by {@link ShardResolver} (murmur2, stable). The group count of a deployed family must never
 * change: keys would move to other groups. Immutable.
 *
 * @param <C> the state machine's command type
 * @param <R> the state machine's reply type
 */
public final class RaftGroups<C, R> {
  private final String family;
  private final int count;
  private final Optional<Integer> replicas;
  private final Supplier<? extends QueryableStateMachine<C, R>> stateMachines;
  private final ShardResolver resolver;

  private RaftGroups(
      String family,
      int count,
      Optional<Integer> replicas,
      Supplier<? extends QueryableStateMachine<C, R>> stateMachines) {
    this.family = family;
    this.count = count;
    this.replicas = replicas;
    this.stateMachines = stateMachines;
    this.resolver = ShardResolver.of(family, count); // validates name and count
  }

  /**
   * @param family the family name, e.g. {@code orders}: letters, digits, '.', '_' and '-' (it is
   *     part of topic names and entity ids)
   * @param count how many groups, at least 1
   * @param stateMachines makes a fresh state machine for each replica start (its codecs also encode
   *     the client's commands and decode its replies)
   */
  public static <C, R> RaftGroups<C, R> of(
      String family, int count, Supplier<? extends QueryableStateMachine<C, R>> stateMachines) {
    Objects.requireNonNull(stateMachines, "stateMachines");
    return new RaftGroups<>(family, count, Optional.empty(), stateMachines);
  }

  /** The same family with {@code n} replicas per group instead of {@code default-replicas}. */
  public RaftGroups<C, R> withReplicas(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("replicas must be >= 1, was " + n);
    }
    return new RaftGroups<>(family, count, Optional.of(n), stateMachines);
  }

  public String family() {
    return family;
  }

  public int count() {
    return count;
  }

  /** Replicas per group if set here; else {@code shardraft.runtime.default-replicas}. */
  public Optional<Integer> replicas() {
    return replicas;
  }

  public Supplier<? extends QueryableStateMachine<C, R>> stateMachines() {
    return stateMachines;
  }

  public ShardResolver resolver() {
    return resolver;
  }

  /** Every group id, {@code <family>-0 ..}. */
  public List<String> groups() {
    return resolver.allShards();
  }

  /** The replica ids of a group of {@code n} replicas: {@code r1 .. rn}. */
  public static List<String> members(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> "r" + i).toList();
  }
}
