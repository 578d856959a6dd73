package dev.shardraft.raft.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The simulated network between replicas: random delay (so messages reorder), loss, duplication and
 * partitions (replicas in different groups cannot talk).
 */
final class SimNetwork {
  private final SplittableRandom random;
  private final int[] group;
  double lossRate;
  double duplicateRate;
  int maxDelayMs;

  SimNetwork(SplittableRandom random, int replicas) {
    this.random = random;
    this.group = new int[replicas];
  }

  boolean connected(int a, int b) {
    return group[a] == group[b];
  }

  /** How many copies of a message to deliver (0 = lost), given the link. */
  int copies(int from, int to) {
    if (!connected(from, to) || random.nextDouble() < lossRate) {
      return 0;
    }
    return random.nextDouble() < duplicateRate ? 2 : 1;
  }

  long delay() {
    return 1 + random.nextInt(maxDelayMs);
  }

  /** Partitions since the start: the generation of the partition now in force. */
  private long partitions;

  /** Splits the replicas into {@code groups}; returns this partition's generation. */
  long partition(int[] groups) {
    System.arraycopy(groups, 0, group, 0, group.length);
    return ++partitions;
  }

  /** Heals whatever partition is in force. */
  void heal() {
    Arrays.fill(group, 0);
  }

  /**
   * Heals the partition of {@code generation} if it is still the one in force; a newer partition is
   * left alone. (A heal timer of an earlier partition used to end a later one early: the
   * quiesced-leader check then saw a leader isolated for 43 ms instead of 2.5 s, still leading.)
   */
  boolean heal(long generation) {
    if (generation != partitions) {
      return false;
    }
    heal();
    return true;
  }

  String describe() {
    return Arrays.toString(group);
  }
}
