package dev.shardraft.runtime.bench;

import java.util.List;

/** When the JIT warm-up of a family may stop: its rate per window has stopped rising. */
final class WarmUp {
  /** Windows that must not beat the best earlier one for the rate to count as risen. */
  static final int FLAT_WINDOWS = 3;

  /** How much a window must beat the best earlier one by to count as still rising. */
  static final double RISE = 1.10;

  private WarmUp() {}

  /**
   * True once none of the last {@value #FLAT_WINDOWS} windows beat the best window before them by
   * 10 % (so at least {@value #FLAT_WINDOWS} + 1 windows). The rate of a window is noisy on a
   * shared machine (other tenants take CPU), so "stopped rising" is "no new high for three
   * windows", not "three equal windows".
   */
  static boolean stable(List<Double> rates) {
    int n = rates.size();
    if (n < FLAT_WINDOWS + 1) {
      return false;
    }
    double bestBefore = 0;
    for (int i = 0; i < n - FLAT_WINDOWS; i++) {
      bestBefore = Math.max(bestBefore, rates.get(i));
    }
    for (int i = n - FLAT_WINDOWS; i < n; i++) {
      if (rates.get(i) > bestBefore * RISE) {
        return false;
      }
    }
    return true;
  }
}
