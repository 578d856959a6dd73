package dev.shardraft.sample.cluster;

import dev.shardraft.kafka.local.Await;
import dev.shardraft.sample.orders.OrderAudit;
import dev.shardraft.sample.orders.OrderCodecs;
import dev.shardraft.sample.orders.OrderCommand;
import dev.shardraft.sample.orders.OrderReply;
import dev.shardraft.sample.orders.OrderScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A stream of order commands into a group from several client threads. Each client runs its own
 * {@link OrderScript} one command at a time through a {@link GroupClient} (same {@code (clientId,
 * sequence)} on every retry) and records what was acknowledged.
 */
public final class OrderStream {

  /** One acknowledged command. */
  public record Acked(
      String clientId,
      long sequence,
      OrderCommand command,
      OrderReply reply,
      GroupClient.Ack ack) {}

  private final ActorSystem<?> system;
  private final KafkaRaftGroup<OrderCommand, OrderReply> group;
  private final String runId;
  private final int clients;
  private final int ordersPerClient;
  private final Duration attemptTimeout;
  private final List<Acked> acked = new CopyOnWriteArrayList<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong retries = new AtomicLong();

  /**
   * @param runId prefixes client and order ids, so that runs on a shared cluster do not collide
   * @param attemptTimeout how long one send waits before the client tries another replica
   */
  public OrderStream(
      ActorSystem<?> system,
      KafkaRaftGroup<OrderCommand, OrderReply> group,
      String runId,
      int clients,
      int ordersPerClient,
      Duration attemptTimeout) {
    this.system = system;
    this.group = group;
    this.runId = runId;
    this.clients = clients;
    this.ordersPerClient = ordersPerClient;
    this.attemptTimeout = attemptTimeout;
  }

  /** How many commands the stream sends in all. */
  public int total() {
    return clients * OrderScript.commands("x", ordersPerClient).size();
  }

  /** Starts one thread per client. */
  public void start() {
    for (int k = 0; k < clients; k++) {
      String clientId = runId + "-c" + k;
      Thread t = new Thread(() -> runClient(clientId), "order-client-" + k);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void runClient(String clientId) {
    GroupClient client = new GroupClient(system, group, attemptTimeout, Duration.ofSeconds(30));
    long sequence = 0;
    try {
      for (OrderCommand c : OrderScript.commands(clientId, ordersPerClient)) {
        sequence++;
        GroupClient.Ack ack = client.submit(clientId, sequence, OrderCodecs.COMMANDS.encode(c));
        acked.add(new Acked(clientId, sequence, c, OrderCodecs.REPLIES.decode(ack.reply()), ack));
      }
    } catch (RuntimeException e) {
      failures.add(e);
    } finally {
      retries.addAndGet(client.retries());
    }
  }

  /** Acknowledged so far. */
  public List<Acked> acked() {
    return List.copyOf(acked);
  }

  /** The acknowledged commands with their indices, for {@link OrderAudit}. */
  public List<OrderAudit.Acknowledged> forAudit() {
    return acked.stream()
        .map(a -> new OrderAudit.Acknowledged(a.command(), a.ack().index()))
        .toList();
  }

  /** Sends answered with retry or not at all, by finished clients. */
  public long retries() {
    return retries.get();
  }

  /** Waits until at least {@code n} commands are acknowledged (fails early if a client failed). */
  public void awaitAcknowledged(int n, Duration timeout) {
    Await.value(
        n + " commands acknowledged",
        timeout,
        () -> {
          throwIfFailed();
          return acked.size() >= n ? Optional.of(true) : Optional.empty();
        },
        () -> acked.size() + " acknowledged");
  }

  /** Waits for every client to finish; throws the first client failure. */
  public void join(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the clients", e);
      }
      if (t.isAlive()) {
        throw new IllegalStateException(t.getName() + " did not finish within " + timeout);
      }
    }
    throwIfFailed();
  }

  private void throwIfFailed() {
    if (!failures.isEmpty()) {
      IllegalStateException e =
          new IllegalStateException(
              failures.size() + " client(s) failed; first: " + failures.get(0), failures.get(0));
      failures.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }
}
