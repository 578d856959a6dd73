package dev.shardraft.raft.driver;

import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.RaftState;
import dev.shardraft.raft.core.apply.ApplyResult;
import dev.shardraft.raft.port.TailEvent;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.slf4j.Logger;

/**
 * What a {@link ReplicaDriver} needs from the world it runs in, besides the storage ports: the
 * actor shell implements it with {@code pipeToSelf}, {@code TimerScheduler} and {@code Peers}, the
 * simulation with its discrete-event scheduler and network.
 *
 * <p>Every {@link Completion} the driver hands over must come back through {@link
 * ReplicaDriver#resume} on the replica's own thread, never inside the call that handed it over (the
 * driver is not re-entrant).
 */
public interface DriverHost {

  /** The clock the core runs on (monotonic milliseconds). */
  long nowMs();

  /** Best-effort delivery of a Raft message to the replica {@code to}. */
  void send(String to, RaftMessage message);

  /**
   * Arms the single timer {@code key} (replacing the one of that key) to hand {@code onFire} back
   * after {@code delayMs}.
   */
  void startTimer(Object key, long delayMs, Completion onFire);

  /** Cancels the timer {@code key}, if armed. */
  void cancelTimer(Object key);

  /**
   * When {@code stage} completes, hands back the completion {@code then} makes of its value or
   * failure (called on any thread; only the returned completion runs on the replica's thread).
   */
  <T> void whenDone(CompletionStage<T> stage, BiFunction<? super T, Throwable, Completion> then);

  /** Where the driver logs. */
  Logger log();

  /** Called after every step, before its effects run (role-change logs, simulation invariants). */
  default void onTransition(RaftState before, RaftState after) {}

  /** Called when a tail position was applied, before the core hears of it. */
  default void onApplied(TailEvent event, ApplyResult result) {}

  /** Called when a Raft message from a peer arrives, before the core steps on it. */
  default void onReceived(RaftMessage message) {}

  /**
   * Called when an append of {@code entries} entries completed ({@code failure} null) or failed,
   * {@code elapsedMs} after it was issued (on {@link #nowMs}'s clock).
   */
  default void onAppended(int entries, long elapsedMs, Throwable failure) {}
}
