package dev.shardraft.raft.driver;

import java.time.Duration;
import java.util.Optional;

/**
 * What a replica does when its log tail fails with {@code LogTruncatedException} (the log was cut
 * above the tail's position; tailing on from the log start would skip entries). Shared by the actor
 * shell and the simulation.
 *
 * <ul>
 *   <li>The replica applied something since it loaded: it fell behind while running. Reload the
 *       newest snapshot <b>now</b> (it reaches the cut: a snapshot is always saved before a cut).
 *   <li>It applied nothing since loading: the snapshot it just loaded ends below the log start. It
 *       applies nothing (no tail) and reloads after a doubling back-off ({@code min}..{@code max}),
 *       reset once a position is applied.
 * </ul>
 *
 * <p>One instance lives across the replica's restarts, so the back-off grows across reloads.
 */
public final class TailRecovery {
  private final Backoff reloads;

  public TailRecovery(Duration min, Duration max) {
    this.reloads = new Backoff(min, max);
  }

  /**
   * The delay before reloading the newest snapshot: empty means reload now.
   *
   * @param loadedNextIndex where the tail started after the last load
   * @param nextIndex the next index the replica would apply
   */
  public Optional<Duration> onTruncated(long loadedNextIndex, long nextIndex) {
    return nextIndex > loadedNextIndex ? Optional.empty() : Optional.of(reloads.next());
  }

  /** A position was applied: the next stall starts at the shortest back-off again. */
  public void applied() {
    reloads.reset();
  }
}
