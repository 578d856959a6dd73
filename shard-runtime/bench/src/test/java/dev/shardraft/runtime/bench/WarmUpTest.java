package dev.shardraft.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpTest {

  @Test
  void aRateStillRisingIsNotStable() {
    assertFalse(WarmUp.stable(List.of(111.0, 328.0, 397.0, 534.0, 756.0, 898.0, 972.0)));
    assertFalse(WarmUp.stable(List.of(100.0, 100.0, 100.0)), "too few windows");
    assertTrue(WarmUp.stable(List.of(100.0, 100.0, 100.0, 100.0)), "already warm");
  }

  @Test
  void threeWindowsWithoutANewHighAreStableEvenWhenNoisy() {
    // The windows of a real warm-up on this machine (docs/BENCHMARKS.md, "Warm-up").
    List<Double> seen = new ArrayList<>();
    double[] rates = {111, 328, 397, 534, 756, 898, 972, 808, 989, 1307, 889, 784, 1081, 934};
    int stoppedAt = -1;
    for (double r : rates) {
      seen.add(r);
      if (WarmUp.stable(seen)) {
        stoppedAt = seen.size();
        break;
      }
    }
    assertEquals(13, stoppedAt, "the window after which it stopped");
  }

  @Test
  void aSmallRiseDoesNotKeepItGoing() {
    assertTrue(WarmUp.stable(List.of(500.0, 900.0, 1000.0, 1000.0, 1050.0, 1090.0)));
    assertFalse(WarmUp.stable(List.of(500.0, 900.0, 1000.0, 1000.0, 1050.0, 1110.0)));
  }
}
