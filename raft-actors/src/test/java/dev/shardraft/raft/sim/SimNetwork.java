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

  void partition(int[] groups) {
    System.arraycopy(groups, 0, group, 0, group.length);
  }

  void heal() {
    Arrays.fill(group, 0);
  }

  String describe() {
    return Arrays.toString(group);
  }
}
