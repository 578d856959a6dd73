package dev.shardraft.raft.sim;

import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.apply.SessionRegistration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A simulated client, of one of two kinds.
 *
 * <p><b>Legacy</b> (the earlier protocol): one request outstanding at a time: commands with
 * strictly increasing sequences (a retry keeps its sequence and payload), and now and then a
 * linearizable read. It retries on a redirect, on a retry answer and on its own timeout, at the
 * hinted leader or a random replica.
 *
 * <p><b>Registered</b> (thesis §6.3): registers a session first (sequence 0 under the name {@code
 * <clientId>.<epoch>}; a retried registration may open a second session, which just expires), then
 * keeps up to {@code depth} commands in flight on it, each carrying the lowest sequence not yet
 * answered, never more than the session's reply bound between that and the next sequence. Each
 * command retries on its own (timeout, redirect, retry answer) with the same sequence and payload.
 * Now and then it sends, much later, a copy of an answered command (a delayed retry from the
 * network), whose answer it ignores: the group must not apply it again. On {@code SessionExpired}
 * (only in runs with a small expiry window) it gives up the commands in flight (outcome unknown)
 * and registers again; sequences go on increasing across its sessions. No reads.
 */
final class SimClient {
  static final long TIMEOUT_MS = 400;

  final String clientId;
  final int number;
  private final Simulation sim;
  final boolean registered;
  private final int depth;
  long registrations;
  long pipelinedAcks;
  long expiredAnswers;
  long delayedCopies;
  private int epoch;
  private String name;
  private String session;
  private int maxReplies;
  private long registrationToken;
  private final TreeMap<Long, Long> outstanding = new TreeMap<>(); // sequence -> attempt token
  private final Set<Long> pipelined = new HashSet<>();
  long sequence = 1;
  private long readNo;
  private boolean reading;
  private long[] readAckedBefore;
  private int target;
  private long attempt;
  long acks;
  long lastAckAt = -1;

  SimClient(Simulation sim, String clientId, boolean registered, int depth) {
    this.sim = sim;
    this.clientId = clientId;
    this.registered = registered;
    this.depth = depth;
    this.number = Integer.parseInt(clientId.substring(1));
    this.target = sim.random.nextInt(sim.replicas.length);
  }

  void start() {
    if (registered) {
      register();
    } else {
      next();
    }
  }

  private void next() {
    if (sim.stopped) {
      return;
    }
    long lull = sim.afterLull(0);
    if (lull > 0) {
      sim.scheduler.after(lull + sim.random.nextInt(10), Scheduler.WORLD, this::next);
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
    if (registered) {
      onSessionReply(number, outcome);
      return;
    }
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

  // ---- registered sessions

  private void register() {
    if (sim.stopped) {
      return;
    }
    epoch++;
    name = clientId + "." + epoch;
    session = null;
    registrations++;
    sendRegistration();
  }

  private void sendRegistration() {
    if (sim.stopped || session != null) {
      return;
    }
    long token = ++registrationToken;
    String n = name;
    sim.toReplica(target, r -> r.sessionCommand(this, n, SessionRegistration.SEQUENCE, 0));
    sim.scheduler.after(
        TIMEOUT_MS,
        Scheduler.WORLD,
        () -> {
          if (token == registrationToken && session == null) {
            target = sim.random.nextInt(sim.replicas.length);
            sendRegistration();
          }
        });
  }

  private long lowestUnacked() {
    return outstanding.isEmpty() ? sequence : outstanding.firstKey();
  }

  /** Sends new commands while the depth and the session's reply bound allow. */
  private void fill() {
    long lull = sim.afterLull(0);
    if (lull > 0) {
      if (outstanding.isEmpty()) { // else the next reply calls fill again
        sim.scheduler.after(lull + sim.random.nextInt(10), Scheduler.WORLD, this::fill);
      }
      return;
    }
    while (session != null
        && !sim.stopped
        && outstanding.size() < depth
        && sequence - lowestUnacked() < maxReplies) {
      long seq = sequence++;
      if (!outstanding.isEmpty()) {
        pipelined.add(seq);
      }
      outstanding.put(seq, 0L);
      if (sim.random.nextInt(3) == 0) {
        target = sim.random.nextInt(sim.replicas.length);
      }
      sendCommand(seq);
    }
  }

  private void sendCommand(long seq) {
    if (sim.stopped || !outstanding.containsKey(seq)) {
      return;
    }
    long token = ++attempt;
    outstanding.put(seq, token);
    String id = session;
    long lowest = lowestUnacked();
    sim.toReplica(target, r -> r.sessionCommand(this, id, seq, lowest));
    sim.scheduler.after(
        TIMEOUT_MS,
        Scheduler.WORLD,
        () -> {
          if (Long.valueOf(token).equals(outstanding.get(seq))) {
            target = sim.random.nextInt(sim.replicas.length);
            sendCommand(seq);
          }
        });
  }

  private void onSessionReply(long seq, CommandOutcome outcome) {
    if (seq == SessionRegistration.SEQUENCE) {
      onRegistrationReply(outcome);
      return;
    }
    if (!outstanding.containsKey(seq)) {
      return; // answered already, a delayed copy's answer, or a command of a given-up session
    }
    String what = "session " + session + "#" + seq;
    if (outcome instanceof CommandOutcome.Success s) {
      long lowest = lowestUnacked();
      sim.invariants.onAck(session, seq, s);
      outstanding.remove(seq);
      acks++;
      lastAckAt = sim.now();
      if (pipelined.remove(seq)) {
        pipelinedAcks++;
      }
      if (sim.random.nextInt(6) == 0) {
        delayedCopy(session, seq, lowest);
      }
      sim.scheduler.after(sim.random.nextInt(10), Scheduler.WORLD, this::fill);
    } else if (outcome instanceof CommandOutcome.Retry r) {
      long token = ++attempt;
      outstanding.put(seq, token);
      Optional<String> hint = r.leaderHint();
      sim.scheduler.after(
          1 + sim.random.nextInt(20),
          Scheduler.WORLD,
          () -> {
            if (Long.valueOf(token).equals(outstanding.get(seq))) {
              target =
                  hint.map(sim::indexOf).orElseGet(() -> sim.random.nextInt(sim.replicas.length));
              sendCommand(seq);
            }
          });
    } else if (outcome instanceof CommandOutcome.SessionExpired e) {
      if (sim.sessionExpiry == Simulation.SESSION_EXPIRY) {
        sim.invariants.fail(what + " answered SessionExpired with no expiry in the run: " + e);
      }
      expiredAnswers++;
      outstanding.clear(); // outcome unknown: given up
      pipelined.clear();
      register();
    } else if (outcome instanceof CommandOutcome.Rejected r) {
      sim.invariants.fail(what + " was rejected: " + r.reason());
    } else if (outcome instanceof CommandOutcome.Failed f) {
      sim.invariants.fail(what + " failed: " + f.reason());
    }
  }

  private void onRegistrationReply(CommandOutcome outcome) {
    if (session != null || sim.stopped) {
      return;
    }
    if (outcome instanceof CommandOutcome.Success s) {
      SessionRegistration.Registered r = SessionRegistration.decodeReply(s.reply().toArray());
      if (!r.sessionId().startsWith(name + "@")) {
        return; // a registration of an earlier epoch
      }
      session = r.sessionId();
      maxReplies = r.maxReplies();
      registrationToken++;
      fill();
    } else if (outcome instanceof CommandOutcome.Retry r) {
      long token = ++registrationToken;
      sim.scheduler.after(
          1 + sim.random.nextInt(20),
          Scheduler.WORLD,
          () -> {
            if (token == registrationToken) {
              target =
                  r.leaderHint()
                      .map(sim::indexOf)
                      .orElseGet(() -> sim.random.nextInt(sim.replicas.length));
              sendRegistration();
            }
          });
    } else {
      sim.invariants.fail("registration " + name + " answered " + outcome);
    }
  }

  /** A copy of an answered command that the network delivers much later. */
  private void delayedCopy(String id, long seq, long lowest) {
    if (sim.afterLull(0) > 0) {
      return; // no stray copies during a lull: they would keep the group awake
    }
    delayedCopies++;
    int to = sim.random.nextInt(sim.replicas.length);
    sim.scheduler.after(
        100 + sim.random.nextInt(2500),
        Scheduler.WORLD,
        () -> {
          if (!sim.stopped) {
            sim.toReplica(to, r -> r.sessionCommand(this, id, seq, lowest));
          }
        });
  }
}
