package dev.shardraft.raft.core;

/**
 * SplitMix64: the core's only source of randomness, carried as a {@code long} inside {@link
 * RaftState} so that {@link RaftCore#step} stays a pure function and a run is replayable from its
 * seed.
 */
final class Rng {
  private Rng() {}

  /** The next state of the generator. */
  static long advance(long state) {
    return state + 0x9E3779B97F4A7C15L;
  }

  /** The output for a state produced by {@link #advance}. */
  static long output(long state) {
    long z = state;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A value in {@code [min, max]} from the output of {@code state}. */
  static long between(long state, long min, long max) {
    return min + Math.floorMod(output(state), max - min + 1);
  }
}
