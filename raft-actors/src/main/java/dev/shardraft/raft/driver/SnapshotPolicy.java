package dev.shardraft.raft.driver;

import dev.shardraft.raft.core.LogCut;
import dev.shardraft.raft.port.Snapshot;

/**
 * When a replica saves snapshots and cuts the log: every {@code snapshotEvery} applied positions
 * (0: never) the applier's snapshot goes to the {@code SnapshotStore}, one save at a time (a failed
 * save is logged; the next one is due {@code snapshotEvery} positions later). With {@code
 * deleteLogAfterSnapshot}, once a save completed, {@code RaftLog.deleteBefore} is called where
 * {@link LogCut} allows it (only on a leader, never above the snapshot nor above any peer's
 * reported applied index + 1), with the core's state at that moment.
 */
final class SnapshotPolicy {
  private final ReplicaDriver<?, ?> driver;
  private final DriverOptions options;
  private final Storage storage;
  private boolean inFlight;

  SnapshotPolicy(ReplicaDriver<?, ?> driver, DriverOptions options, Storage storage) {
    this.driver = driver;
    this.options = options;
    this.storage = storage;
  }

  /** Called after every applied position. */
  void maybeSave() {
    long every = options.snapshotEvery();
    if (every == 0 || inFlight || !driver.applierForSnapshots().snapshotDue(every)) {
      return;
    }
    Snapshot snap = driver.applierForSnapshots().snapshot();
    inFlight = true;
    driver
        .host()
        .whenDone(
            storage.snapshots().save(driver.shard(), snap),
            (ok, failure) -> driver.current(() -> onSaved(snap, failure)));
  }

  private void onSaved(Snapshot snap, Throwable failure) {
    inFlight = false;
    if (failure != null) {
      driver
          .host()
          .log()
          .warn(
              "{}: saving {} failed; the next one is due in {} positions",
              driver.who(),
              snap,
              options.snapshotEvery(),
              ReplicaDriver.unwrap(failure));
      return;
    }
    driver.host().log().debug("{}: saved {}", driver.who(), snap);
    if (options.deleteLogAfterSnapshot()) {
      LogCut.before(driver.state(), snap.nextIndex()).ifPresent(this::cut);
    }
  }

  private void cut(long before) {
    driver
        .host()
        .whenDone(
            storage.log().deleteBefore(before),
            (ok, failure) ->
                driver.current(
                    () -> {
                      if (failure != null) {
                        driver
                            .host()
                            .log()
                            .warn(
                                "{}: deleting the log before {} failed",
                                driver.who(),
                                before,
                                ReplicaDriver.unwrap(failure));
                      }
                    }));
  }
}
