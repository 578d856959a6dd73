package dev.shardraft.raft.actor;

import dev.shardraft.raft.actor.ReplicaProtocol.Command;
import dev.shardraft.raft.driver.Backoff;
import dev.shardraft.raft.driver.ReplicaDriver;
import dev.shardraft.raft.driver.TailRecovery;
import dev.shardraft.raft.port.LogTruncatedException;
import dev.shardraft.raft.port.RaftLog;
import dev.shardraft.raft.port.TailEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.typed.javadsl.ActorSink;

/**
 * The replica's log tail: {@code RaftLog.tail(nextIndex)} run into the actor with {@code
 * ActorSink.actorRefWithBackpressure} behind a kill switch. Each element goes to {@link
 * ReplicaDriver#onTailEvent} (apply, tell the core, maybe snapshot) before it is acknowledged, so
 * the stream never runs ahead of the state machine. Elements of a replaced stream are ignored.
 *
 * <p>A tail that fails (or completes) is restarted from the next index after a doubling back-off.
 * One that fails with {@link LogTruncatedException} is never restarted at the same index nor at the
 * log start: {@link TailRecovery} decides between reloading the newest snapshot now (the replica
 * throws {@link ReloadFromSnapshot}, its supervisor restarts it at once) and running without a tail
 * until a reload after a back-off ({@link Ended#stalled}).
 */
final class LogTail {
  private static final AtomicLong IDS = new AtomicLong();

  /** The ack the tail stream waits for before it sends the next element. */
  enum Ack implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  record Started(long tail, ActorRef<Ack> ackTo)
      implements InternalCommand, NoSerializationVerificationNeeded {}

  record Element(long tail, TailEvent event, ActorRef<Ack> ackTo)
      implements InternalCommand, NoSerializationVerificationNeeded {}

  record Ended(long tail, Optional<Throwable> failure)
      implements InternalCommand, NoSerializationVerificationNeeded {}

  enum Restart implements InternalCommand, NoSerializationVerificationNeeded {
    INSTANCE
  }

  /** Time to reload the newest snapshot after a tail found the log start above its position. */
  enum Reload implements InternalCommand, NoSerializationVerificationNeeded {
    INSTANCE
  }

  /**
   * Thrown to make the supervisor restart the replica at once (no back-off, no ERROR log of its
   * own): {@code starting} then loads the newest snapshot.
   */
  static final class ReloadFromSnapshot extends RuntimeException {
    ReloadFromSnapshot(String why, Throwable cause) {
      super("reloading the newest snapshot: " + why, cause);
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final RaftLog log;
  private final ReplicaDriver<?, ?> driver;
  private final TailRecovery recovery;
  private final Backoff backoff;
  private final String who;
  private long tail;
  private Optional<UniqueKillSwitch> tailSwitch = Optional.empty();

  LogTail(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      RaftLog log,
      ReplicaDriver<?, ?> driver,
      TailRecovery recovery,
      Backoff backoff,
      String who) {
    this.context = context;
    this.timers = timers;
    this.log = log;
    this.driver = driver;
    this.recovery = recovery;
    this.backoff = backoff;
    this.who = who;
  }

  /** Starts a stream from the driver's next index (replacing none: the previous one ended). */
  void start() {
    long id = IDS.incrementAndGet();
    tail = id;
    Sink<TailEvent, NotUsed> sink =
        ActorSink.<TailEvent, Command, Ack>actorRefWithBackpressure(
            context.getSelf(),
            (ackTo, event) -> new Element(id, event, ackTo),
            ackTo -> new Started(id, ackTo),
            Ack.INSTANCE,
            new Ended(id, Optional.empty()),
            failure -> new Ended(id, Optional.of(failure)));
    tailSwitch =
        Optional.of(
            log.tail(driver.nextIndex())
                .viaMat(KillSwitches.single(), Keep.right())
                .to(sink)
                .run(Materializer.matFromSystem(context.getSystem())));
  }

  void onStarted(Started m) {
    m.ackTo().tell(Ack.INSTANCE);
  }

  /** Applies one position through the driver, then asks for the next. */
  void onElement(Element m) {
    if (m.tail() != tail) {
      return; // a stream we already replaced; it is being cancelled
    }
    backoff.reset();
    recovery.applied();
    driver.onTailEvent(m.event());
    m.ackTo().tell(Ack.INSTANCE);
  }

  /**
   * The stream ended. Restarts it after a back-off, or, if the log was cut above its position,
   * reloads the newest snapshot now ({@link ReloadFromSnapshot}) or after a back-off.
   *
   * @return whether the replica now runs without a tail until {@link Reload}
   */
  boolean onEnded(Ended m) {
    if (m.tail() != tail) {
      return false;
    }
    tailSwitch = Optional.empty();
    Optional<LogTruncatedException> truncated = m.failure().flatMap(LogTail::truncation);
    if (truncated.isPresent()) {
      return onTruncated(truncated.get());
    }
    Duration delay = backoff.next();
    if (m.failure().isPresent()) {
      context
          .getLog()
          .warn(
              "{}: log tail failed at {}, restarting in {}",
              who,
              driver.nextIndex(),
              delay,
              m.failure().get());
    } else {
      context
          .getLog()
          .warn(
              "{}: log tail completed at {} (it should not), restarting in {}",
              who,
              driver.nextIndex(),
              delay);
    }
    timers.startSingleTimer(Restart.INSTANCE, Restart.INSTANCE, delay);
    return false;
  }

  private boolean onTruncated(LogTruncatedException e) {
    Optional<Duration> wait = recovery.onTruncated(driver.loadedNextIndex(), driver.nextIndex());
    if (wait.isEmpty()) {
      context
          .getLog()
          .warn(
              "{}: the log was deleted up to {}, above this replica's position {}; restarting to"
                  + " load the newest snapshot",
              who,
              e.logStart(),
              e.requestedIndex());
      throw new ReloadFromSnapshot("the tail fell below the log start", e);
    }
    context
        .getLog()
        .error(
            "{}: the log starts at {} but the newest snapshot loaded reaches only {}: the entries"
                + " in between cannot be read. Applying nothing; loading the newest snapshot again"
                + " in {}",
            who,
            e.logStart(),
            driver.loadedNextIndex(),
            wait.get(),
            e);
    timers.startSingleTimer(Reload.INSTANCE, Reload.INSTANCE, wait.get());
    return true;
  }

  /** The stalled replica's back-off is over. */
  static void reload() {
    throw new ReloadFromSnapshot("the last one loaded did not reach the log start", null);
  }

  /** The actor stops or restarts. */
  void stop() {
    tailSwitch.ifPresent(UniqueKillSwitch::shutdown);
    tailSwitch = Optional.empty();
  }

  /** The {@link LogTruncatedException} in {@code failure}'s cause chain, if any. */
  private static Optional<LogTruncatedException> truncation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof LogTruncatedException e) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
