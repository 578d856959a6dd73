package dev.shardraft.sample.demo;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.snapshot.KafkaSnapshotStore;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadReply;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadResult;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaSettings;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.sample.cluster.KafkaRaftGroup;
import dev.shardraft.sample.cluster.OrderStream;
import dev.shardraft.sample.orders.OrderCodecs;
import dev.shardraft.sample.orders.OrderCommand;
import dev.shardraft.sample.orders.OrderLine;
import dev.shardraft.sample.orders.OrderQuery;
import dev.shardraft.sample.orders.OrderQueryResult;
import dev.shardraft.sample.orders.OrderReply;
import dev.shardraft.sample.orders.OrdersStateMachine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The Raft group demo against any Kafka: one group of three replica actors on {@code
 * raft-log-orders-0}, a stream of order commands from retrying clients, the leader stopped midway
 * (its producer kept open, as a paused process would keep it), a new leader elected and the old
 * writer shown fenced, the stream continuing, the old leader restarted to catch up, then every
 * replica's state checked against what was acknowledged, and the group's events projected into
 * {@code orders-events}. Client and order ids carry a run id, so runs on a shared cluster (same
 * topics) do not mix.
 */
public final class RaftGroupRun {

  static final String SHARD = "orders-0";
  static final String EVENTS_TOPIC = "orders-events";
  static final List<String> MEMBERS = List.of("r1", "r2", "r3");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ActorSystem<?> system;
  private final KafkaSettings kafka;
  private final int clients;
  private final int ordersPerClient;
  private final Consumer<String> out;
  private final String runId = UUID.randomUUID().toString().substring(0, 6);

  /**
   * @param ordersPerClient each order makes three commands
   * @param out where progress lines go
   */
  public RaftGroupRun(
      ActorSystem<?> system,
      KafkaSettings kafka,
      int clients,
      int ordersPerClient,
      Consumer<String> out) {
    this.system = system;
    this.kafka = kafka;
    this.clients = clients;
    this.ordersPerClient = ordersPerClient;
    this.out = out;
  }

  /**
   * Raft timing of the demo: elections after 300-600 ms without a leader, heartbeats every 75 ms.
   * Twice the runtime defaults, so that a busy machine does not depose healthy leaders.
   */
  static ReplicaSettings timing(ReplicaSettings s) {
    return s.withTiming(Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofMillis(75))
        .withSnapshotEvery(100);
  }

  /**
   * Runs the scenario; every wait is bounded (30 s per step, 60 s for the stream).
   *
   * @throws IllegalStateException if a step does not happen in time or the old writer is not fenced
   */
  public RaftGroupReport run() throws Exception {
    long started = System.nanoTime();
    try (KafkaRaftGroup<OrderCommand, OrderReply> group =
        KafkaRaftGroup.start(
            system, kafka, SHARD, MEMBERS, RaftGroupRun::timing, OrdersStateMachine::new)) {
      long startMillis = millisSince(started);
      Status first = group.awaitLeader(WAIT);
      long electionMillis = millisSince(started);
      out.accept(
          "Group "
              + SHARD
              + ": replicas "
              + String.join(", ", MEMBERS)
              + " on raft-log-"
              + SHARD
              + " started in "
              + startMillis
              + " ms; leader "
              + first.replica()
              + " at term "
              + first.term()
              + " ready after "
              + electionMillis
              + " ms");

      OrderStream stream =
          new OrderStream(system, group, runId, clients, ordersPerClient, Duration.ofSeconds(2));
      long streamStarted = System.nanoTime();
      stream.start();
      stream.awaitAcknowledged(stream.total() / 2, WAIT);
      long stopped = System.nanoTime();
      int beforeStop = stream.acked().size();
      Optional<LogWriter> zombie = group.stopAsZombie(first.replica());
      out.accept(
          "Stopped leader "
              + first.replica()
              + " (term "
              + first.term()
              + ") after "
              + beforeStop
              + " of "
              + stream.total()
              + " commands were acknowledged; its Kafka producer stays open, like a paused process");

      Status next = group.awaitLeader(WAIT);
      out.accept(
          "New leader "
              + next.replica()
              + " at term "
              + next.term()
              + ", ready "
              + millisSince(stopped)
              + " ms after the stop (its openWriter fenced every "
              + "older writer)");
      showFenced(
          zombie.orElseThrow(
              () -> new IllegalStateException(first.replica() + " had opened no writer")),
          first);

      stream.join(Duration.ofSeconds(60));
      long streamMillis = millisSince(streamStarted);
      group.startReplica(first.replica());
      long last = stream.acked().stream().mapToLong(a -> a.ack().index()).max().orElse(-1);
      Status back = group.awaitApplied(last, WAIT).get(first.replica());
      out.accept(
          "Restarted "
              + first.replica()
              + ": it loaded term, vote and the newest snapshot "
              + "from Kafka, tailed the log from there and is a "
              + back.role()
              + " at term "
              + back.term()
              + " (leader "
              + back.leader().orElse("?")
              + "), applied up to "
              + back.appliedIndex());

      showLinearizableRead(group, next.replica(), runId + "-c0-0");

      long failoverMillis =
          stream.acked().stream()
              .filter(
                  a ->
                      a.ack().acknowledgedAtNanos() > stopped
                          && !a.ack().replica().equals(first.replica()))
              .mapToLong(a -> (a.ack().acknowledgedAtNanos() - stopped) / 1_000_000)
              .min()
              .orElse(-1);
      long eventsExpected =
          stream.acked().stream().filter(a -> a.reply() instanceof OrderReply.Accepted).count();
      ReplicaVerdict audit = ReplicaVerdict.of(group, stream.forAudit(), runId + "-zombie", out);
      long projected;
      try (KafkaSnapshotStore snapshots = new KafkaSnapshotStore(kafka)) {
        projected =
            ProjectedEvents.project(
                system,
                kafka,
                SHARD,
                EVENTS_TOPIC,
                Optional.of(snapshots),
                group.settings(first.replica()).sessionExpiryPositions(),
                runId + "-",
                eventsExpected,
                WAIT);
      }
      RaftGroupReport.Figures figures =
          new RaftGroupReport.Figures(
              startMillis,
              electionMillis,
              failoverMillis,
              clients,
              beforeStop,
              (stopped - streamStarted) / 1_000_000,
              streamMillis,
              stream.retries());
      return new RaftGroupReport(
          audit.acknowledged(),
          audit.appliedOnce(),
          audit.appliedTwice(),
          audit.lost(),
          audit.sameState(),
          projected,
          eventsExpected,
          figures);
    }
  }

  /** Reads one order at the leader, linearizably (read index confirmed by a heartbeat round). */
  private void showLinearizableRead(
      KafkaRaftGroup<OrderCommand, OrderReply> group, String leader, String orderId) {
    ReadReply reply =
        group.read(
            leader,
            ReadMode.LINEARIZABLE,
            OrderCodecs.QUERIES.encode(new OrderQuery.GetOrder(orderId)));
    if (!(reply instanceof ReadResult r)) {
      throw new IllegalStateException("linearizable read at " + leader + " answered " + reply);
    }
    OrderQueryResult result = OrderCodecs.QUERY_RESULTS.decode(r.result().toArray());
    String what =
        result instanceof OrderQueryResult.OrderFound f
            ? "is "
                + f.order().status()
                + ", commands applied: "
                + f.order().audit().stream()
                    .map(a -> a.command() + "@" + a.index())
                    .collect(Collectors.joining(" "))
            : "is not found";
    out.accept(
        "Linearizable read at leader "
            + leader
            + " (read index "
            + r.index()
            + "): order "
            + orderId
            + " "
            + what);
  }

  /** The old leader's writer, alive, tries to commit an order: Kafka must refuse it. */
  private void showFenced(LogWriter zombie, Status old) throws InterruptedException {
    OrderCommand ghost =
        new OrderCommand.PlaceOrder(
            runId + "-zombie", "zombie", List.of(new OrderLine("ghost", 1, 1)));
    List<LogEntry> batch =
        List.of(
            new LogEntry(
                old.term(),
                old.replica(),
                new LogEntry.Command(
                    runId + "-zombie", 1, Bytes.of(OrderCodecs.COMMANDS.encode(ghost)))));
    try {
      zombie.append(batch).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new IllegalStateException(
          "the old leader's writer (term "
              + old.term()
              + ") committed an entry after a newer leader took over: fencing is broken");
    } catch (ExecutionException e) {
      Throwable fenced = e.getCause();
      while (fenced != null && !(fenced instanceof LogFencedException)) {
        fenced = fenced.getCause();
      }
      if (fenced == null) {
        throw new IllegalStateException("the old writer's append failed, but not fenced", e);
      }
      out.accept(
          "Old leader "
              + old.replica()
              + "'s writer (term "
              + old.term()
              + ") tries to commit an order: refused, "
              + fenced.getMessage());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the old writer's append neither failed nor committed", e);
    } finally {
      zombie.close();
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
