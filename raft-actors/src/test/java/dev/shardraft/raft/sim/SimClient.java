package dev.shardraft.raft.sim;

import dev.shardraft.raft.core.CommandOutcome;
import java.util.Optional;

/**
 * A client with one request outstanding at a time: commands with strictly increasing sequences (a
 * retry keeps its sequence and payload), and now and then a linearizable read. It retries on a
 * redirect, on a retry answer and on its own timeout, at the hinted leader or a random replica.
 */
final class SimClient {
  static final long TIMEOUT_MS = 400;

  final String clientId;
  final int number;
  private final Simulation sim;
  long sequence = 1;
  private long readNo;
  private boolean reading;
  private long[] readAckedBefore;
  private int target;
  private long attempt;
  long acks;
  long lastAckAt = -1;

  SimClient(Simulation sim, String clientId) {
    this.sim = sim;
    this.clientId = clientId;
    this.number = Integer.parseInt(clientId.substring(1));
    this.target = sim.random.nextInt(sim.replicas.length);
  }

  void start() {
    next();
  }

  private void next() {
    if (sim.stopped) {
      return;
    }
    reading = sim.random.nextInt(4) == 0;
    if (sim.random.nextInt(3) == 0) {
      target = sim.random.nextInt(sim.replicas.length); // e.g. a load balancer picks the replica
    }
    if (reading) {
      readNo++;
      readAckedBefore = sim.invariants.highestAcked(); // what the read must see, at its start
    }
    send();
  }

  private void send() {
    if (sim.stopped) {
      return;
    }
    long token = ++attempt;
    int to = target;
    if (reading) {
      long n = readNo;
      long[] before = readAckedBefore;
      sim.toReplica(to, r -> r.clientRead(this, n, before));
    } else {
      long seq = sequence;
      sim.toReplica(to, r -> r.clientCommand(this, seq));
    }
    sim.scheduler.after(
        TIMEOUT_MS,
        Scheduler.WORLD,
        () -> {
          if (token == attempt) {
            retry(Optional.empty(), 0);
          }
        });
  }

  private void retry(Optional<String> hint, long backoff) {
    target = hint.map(sim::indexOf).orElseGet(() -> sim.random.nextInt(sim.replicas.length));
    long token = ++attempt;
    sim.scheduler.after(
        backoff,
        Scheduler.WORLD,
        () -> {
          if (token == attempt) {
            send();
          }
        });
  }

  /** The answer to a command (outcome) or a read (outcome null, value = applied count). */
  void onReply(boolean read, long number, CommandOutcome outcome, long value) {
    if (read != reading || number != (read ? readNo : sequence)) {
      return; // an answer to an earlier request or attempt
    }
    if (outcome == null) {
      attempt++;
      sim.scheduler.after(sim.random.nextInt(10), Scheduler.WORLD, this::next);
    } else if (outcome instanceof CommandOutcome.Success s) {
      sim.invariants.onAck(this, sequence, s);
      acks++;
      lastAckAt = sim.now();
      sequence++;
      attempt++;
      sim.scheduler.after(sim.random.nextInt(10), Scheduler.WORLD, this::next);
    } else if (outcome instanceof CommandOutcome.Retry r) {
      retry(r.leaderHint(), 1 + sim.random.nextInt(20));
    } else if (outcome instanceof CommandOutcome.Rejected r) {
      sim.invariants.fail("client " + clientId + "#" + sequence + " was rejected: " + r.reason());
    } else if (outcome instanceof CommandOutcome.Failed f) {
      sim.invariants.fail("client " + clientId + "#" + sequence + " failed: " + f.reason());
    } else if (outcome instanceof CommandOutcome.SessionExpired e) {
      sim.invariants.fail("client " + clientId + "#" + sequence + ": " + e.reason());
    }
  }
}
