package dev.shardraft.sample.cluster;

import dev.shardraft.raft.actor.ReplicaProtocol;
import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.actor.ReplicaProtocol.Rejected;
import dev.shardraft.raft.actor.ReplicaProtocol.Retry;
import dev.shardraft.raft.actor.ReplicaProtocol.Submit;
import dev.shardraft.raft.actor.ReplicaProtocol.SubmitReply;
import dev.shardraft.raft.port.Bytes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A client of one Raft group that sends one command at a time and retries it until it is
 * acknowledged: on {@code Retry} it goes to the leader hint (or the next running replica, after a
 * short pause), on a timeout to the next running replica, always with the <b>same</b> {@code
 * (clientId, sequence)}, so the group's client sessions apply it at most once. Used from one
 * thread; a program with several client threads makes one instance each.
 *
 * <p>A session keeps only the client's last sequence, so a client must not have two commands in
 * flight: that is why {@link #submit} blocks until its command is acknowledged.
 */
public final class GroupClient {

  /**
   * An acknowledged command.
   *
   * @param index the log index it was applied at
   * @param reply the state machine's encoded reply
   * @param duplicate answered from the session (it had been applied by an earlier attempt)
   * @param replica the replica that acknowledged it (the leader then)
   * @param attempts how many sends it took
   * @param acknowledgedAtNanos {@code System.nanoTime()} when the acknowledgement arrived
   */
  public record Ack(
      long index,
      byte[] reply,
      boolean duplicate,
      String replica,
      int attempts,
      long acknowledgedAtNanos) {}

  /** The group refused the command for good ({@code Rejected}): retrying cannot help. */
  public static final class CommandRejected extends RuntimeException {
    public CommandRejected(String clientId, long sequence, String reason) {
      super(clientId + "#" + sequence + " rejected: " + reason);
    }
  }

  private static final long PAUSE_NANOS = 25_000_000L;

  private final ActorSystem<?> system;
  private final KafkaRaftGroup<?, ?> group;
  private final Duration attemptTimeout;
  private final Duration deadline;
  private Optional<String> leaderGuess = Optional.empty();
  private int next;
  private long retries;

  /**
   * @param attemptTimeout how long one send waits for an answer before trying elsewhere
   * @param deadline how long one command may take in all before {@link #submit} gives up
   */
  public GroupClient(
      ActorSystem<?> system,
      KafkaRaftGroup<?, ?> group,
      Duration attemptTimeout,
      Duration deadline) {
    this.system = system;
    this.group = group;
    this.attemptTimeout = attemptTimeout;
    this.deadline = deadline;
  }

  /**
   * Sends {@code (clientId, sequence, payload)} until it is acknowledged.
   *
   * @throws CommandRejected if the group rejects it for good
   * @throws IllegalStateException if it is not acknowledged within the deadline
   */
  public Ack submit(String clientId, long sequence, byte[] payload) {
    long end = System.nanoTime() + deadline.toNanos();
    int attempts = 0;
    String lastAnswer = "none";
    while (System.nanoTime() - end < 0) {
      Optional<String> target = target();
      if (target.isEmpty()) {
        LockSupport.parkNanos(PAUSE_NANOS); // no replica running right now
        continue;
      }
      String to = target.get();
      Optional<ActorRef<ReplicaProtocol.Command>> ref = group.ref(to);
      if (ref.isEmpty()) { // stopped: peers may still name it as leader until they elect another
        forget(to);
        LockSupport.parkNanos(PAUSE_NANOS);
        continue;
      }
      attempts++;
      SubmitReply reply;
      try {
        reply =
            Asks.ask(
                system,
                ref.get(),
                (ActorRef<SubmitReply> replyTo) ->
                    new Submit(clientId, sequence, Bytes.of(payload), replyTo),
                attemptTimeout,
                clientId + "#" + sequence + " at " + to);
      } catch (Asks.NoAnswer e) {
        lastAnswer = "no answer from " + to;
        retries++;
        forget(to);
        continue;
      }
      if (reply instanceof Applied a) {
        leaderGuess = Optional.of(to);
        return new Ack(
            a.index(), a.reply().toArray(), a.duplicate(), to, attempts, System.nanoTime());
      } else if (reply instanceof Rejected r) {
        throw new CommandRejected(clientId, sequence, r.reason());
      } else if (reply instanceof ReplicaProtocol.Failed f) {
        // The state machine threw on the committed command: its result everywhere, not retried.
        throw new CommandRejected(
            clientId, sequence, "failed at index " + f.index() + ": " + f.reason());
      } else if (reply instanceof ReplicaProtocol.SessionExpired e) {
        throw new CommandRejected(
            clientId, sequence, "session expired, outcome unknown: " + e.reason());
      }
      Retry r = (Retry) reply;
      lastAnswer = "retry from " + to + " (" + r.reason() + "): " + r.detail();
      retries++;
      switch (r.reason()) {
        case NOT_LEADER, TRANSFER -> { // redirected: go to the hinted replica at once, if any
          if (r.leaderHint().isPresent() && !r.leaderHint().get().equals(to)) {
            leaderGuess = r.leaderHint();
          } else {
            forget(to);
            LockSupport.parkNanos(PAUSE_NANOS); // no leader known: an election is likely running
          }
        }
        case ELECTION, QUEUE_FULL, SKIPPED -> { // the leader itself asks to come back shortly
          leaderGuess = Optional.of(to);
          LockSupport.parkNanos(PAUSE_NANOS);
        }
        case STEPPED_DOWN, UNAVAILABLE -> {
          leaderGuess = r.leaderHint().filter(h -> !h.equals(to));
          if (leaderGuess.isEmpty()) {
            forget(to);
          }
          LockSupport.parkNanos(PAUSE_NANOS);
        }
      }
    }
    throw new IllegalStateException(
        clientId
            + "#"
            + sequence
            + " not acknowledged within "
            + deadline.toMillis()
            + " ms after "
            + attempts
            + " attempts; last answer: "
            + lastAnswer);
  }

  /** How many sends were answered with retry or not at all, over this client's life. */
  public long retries() {
    return retries;
  }

  private Optional<String> target() {
    if (leaderGuess.isPresent()) {
      return leaderGuess;
    }
    List<String> running = group.running();
    if (running.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(running.get(Math.floorMod(next++, running.size())));
  }

  private void forget(String replica) {
    if (leaderGuess.equals(Optional.of(replica))) {
      leaderGuess = Optional.empty();
    }
  }
}
