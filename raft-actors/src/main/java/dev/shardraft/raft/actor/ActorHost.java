package dev.shardraft.raft.actor;

import dev.shardraft.raft.actor.ReplicaProtocol.Command;
import dev.shardraft.raft.actor.ReplicaProtocol.PeerMessage;
import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.RaftState;
import dev.shardraft.raft.core.Role;
import dev.shardraft.raft.core.apply.ApplyResult;
import dev.shardraft.raft.driver.Completion;
import dev.shardraft.raft.driver.DriverHost;
import dev.shardraft.raft.port.TailEvent;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;

/**
 * The {@code ReplicaDriver}'s world inside the replica actor: completions come back as {@link
 * Resumed} messages through {@code pipeToSelf}, timers are keyed {@code TimerScheduler} single
 * timers that send {@link Resumed}, sends go through {@link Peers}, the log is the actor's.
 */
final class ActorHost implements DriverHost {

  /** A driver completion or timer, back on the actor's thread. */
  record Resumed(Completion completion)
      implements InternalCommand, NoSerializationVerificationNeeded {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ReplicaPorts ports;
  private final String who;
  private long leaderSinceMs;

  ActorHost(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ReplicaPorts ports,
      String who) {
    this.context = context;
    this.timers = timers;
    this.ports = ports;
    this.who = who;
  }

  @Override
  public long nowMs() {
    return ports.clockMs().getAsLong();
  }

  @Override
  public void send(String to, RaftMessage message) {
    // A quiesce heartbeat names the leader's node: its followers then know which node's silence
    // must wake them (LeaderNodeSuspected).
    boolean quiesce = message instanceof RaftMessage.Heartbeat h && h.quiesce();
    ports
        .peers()
        .tell(
            to,
            quiesce
                ? new PeerMessage(message, context.getSystem().address().toString())
                : new PeerMessage(message));
  }

  @Override
  public void startTimer(Object key, long delayMs, Completion onFire) {
    timers.startSingleTimer(key, new Resumed(onFire), Duration.ofMillis(delayMs));
  }

  @Override
  public void cancelTimer(Object key) {
    timers.cancel(key);
  }

  /** {@code then} runs on the completing thread and only builds the message. */
  @Override
  public <T> void whenDone(
      CompletionStage<T> stage, BiFunction<? super T, Throwable, Completion> then) {
    context.pipeToSelf(stage, (value, failure) -> new Resumed(then.apply(value, failure)));
  }

  @Override
  public Logger log() {
    return context.getLog();
  }

  /**
   * A change of the core's role is logged at INFO as one structured line ({@code role-change
   * replica=<shard>/<id> from=<role>@<term> to=<role>@<term> leader=<id or ->}), and told to the
   * observer. A leader becoming ready (its term's barrier applied) is logged too ({@code
   * leader-ready replica=.. term=.. after_ms=<since it became leader>}).
   */
  @Override
  public void onTransition(RaftState before, RaftState after) {
    if (!before.role().getClass().equals(after.role().getClass())) {
      context
          .getLog()
          .info(
              "role-change replica={} from={}@{} to={}@{} leader={}",
              who,
              before.role().name(),
              before.term(),
              after.role().name(),
              after.term(),
              after.leaderHint().orElse("-"));
      observe(() -> ports.observer().roleChanged(before, after));
      if (after.role() instanceof Role.Leader) {
        leaderSinceMs = nowMs();
      }
    }
    if (after.role() instanceof Role.Leader l
        && l.ready()
        && !(before.role() instanceof Role.Leader b && b.ready())) {
      // Failover's last step: the barrier of this term applied, commands are served from now.
      context
          .getLog()
          .info(
              "leader-ready replica={} term={} after_ms={}",
              who,
              after.term(),
              nowMs() - leaderSinceMs);
    }
    observe(() -> ports.observer().stepped(after));
  }

  @Override
  public void onApplied(TailEvent event, ApplyResult result) {
    observe(() -> ports.observer().applied(result));
  }

  @Override
  public void onReceived(RaftMessage message) {
    if (message instanceof RaftMessage.Heartbeat h) {
      observe(() -> ports.observer().commitIndexLearned(h.commitIndex()));
    }
  }

  @Override
  public void onAppended(int entries, long elapsedMs, Throwable failure) {
    observe(() -> ports.observer().appended(entries, elapsedMs, failure == null));
  }

  /** Runs an observer call; a failing observer is logged, never allowed to change the replica. */
  private void observe(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      context.getLog().warn("{}: the replica observer failed; ignored", who, e);
    }
  }
}
