package dev.shardraft.sample.shop.saga;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.runtime.ShardedRaftException;
import dev.shardraft.sample.shop.orders.OrderCodecs;
import dev.shardraft.sample.shop.orders.OrderEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga: a Pekko Connectors committable consumer of the events topic (consumer group {@value
 * #GROUP}, one per node, Kafka gives the topic's partition to one of them and moves it on a
 * failure) that carries out {@link SagaSteps} for every event, and commits a batch's offsets only
 * after every step of the batch was answered. Delivery is at least once; the steps are idempotent
 * (commands derived from the event, reservations keyed by order id), so the effect is exactly once.
 *
 * <p>A batch (up to 500 events or 20 ms) is split by order id: the events of one order run one
 * after another in log order, different orders at the same time. A step whose outcome is unknown
 * ({@link ShardedRaftException.TimedOut}, {@code Unavailable}, {@code SessionExpired}) is repeated
 * after {@code retryPause} until it is answered or the saga stops; any other failure of a step (a
 * command the runtime rejects, a state machine that fails) fails the stream, which is logged and
 * restarted, so a poison event stalls the saga loudly instead of being passed over. An event that
 * does not decode is logged and counted ({@code shop.saga.undecodable}) and passed over. Any other
 * failure fails the stream, which restarts with back-off and is delivered the uncommitted events
 * again.
 */
public final class OrderSaga {
  private static final Logger LOG = LoggerFactory.getLogger(OrderSaga.class);

  /** The saga's consumer group. */
  public static final String GROUP = "shop-saga";

  private final SagaSteps steps;
  private final String topic;
  private final KafkaSettings kafka;
  private final ActorSystem<?> system;
  private final Duration retryPause;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Counter handled;
  private final Counter retried;
  private final Counter undecodable;
  private UniqueKillSwitch killSwitch;
  private CompletionStage<Done> done;

  public OrderSaga(
      SagaSteps steps,
      String topic,
      KafkaSettings kafka,
      ActorSystem<?> system,
      Duration retryPause,
      MeterRegistry registry) {
    this.steps = steps;
    this.topic = topic;
    this.kafka = kafka;
    this.system = system;
    this.retryPause = retryPause;
    this.handled = registry.counter("shop.saga.events");
    this.retried = registry.counter("shop.saga.retries");
    this.undecodable = registry.counter("shop.saga.undecodable");
  }

  /**
   * Starts consuming; the stream restarts with back-off on failures until {@link #stop}. May be
   * called again after {@link #stop} completed.
   */
  public synchronized OrderSaga start() {
    stopped.set(false);
    ConsumerSettings<byte[], byte[]> settings =
        kafka
            .consumerSettings(system, GROUP)
            .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
            // a killed node's partition moves to another node within seconds, not 45 s
            .withProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000")
            .withProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    CommitterSettings committer = CommitterSettings.create(system);
    RestartSettings restart =
        RestartSettings.create(Duration.ofMillis(500), Duration.ofSeconds(5), 0.2);
    var pair =
        RestartSource.onFailuresWithBackoff(
                restart,
                () ->
                    Consumer.committableSource(settings, Subscriptions.topics(topic))
                        .groupedWithin(500, Duration.ofMillis(20))
                        .mapAsync(1, batch -> handle(batch).thenApply(x -> offsets(batch)))
                        .via(Committer.flow(committer)))
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.ignore(), Keep.both())
            .run(system);
    killSwitch = pair.first();
    done = pair.second();
    LOG.info("Saga consuming {} as group {}", topic, GROUP);
    return this;
  }

  /** Stops consuming; what was handled but not committed is delivered again (to any node). */
  public synchronized CompletionStage<Done> stop() {
    stopped.set(true);
    if (killSwitch == null) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    killSwitch.shutdown();
    return done;
  }

  /** Events handled by this node's saga so far (each step answered; repeats included). */
  public long handled() {
    return (long) handled.count();
  }

  private static ConsumerMessage.CommittableOffsetBatch offsets(
      List<CommittableMessage<byte[], byte[]>> batch) {
    List<ConsumerMessage.CommittableOffset> offsets = new ArrayList<>();
    batch.forEach(m -> offsets.add(m.committableOffset()));
    return ConsumerMessage.createCommittableOffsetBatch(offsets);
  }

  private CompletionStage<Void> handle(List<CommittableMessage<byte[], byte[]>> batch) {
    Map<String, List<OrderEvent>> byOrder = new LinkedHashMap<>();
    for (CommittableMessage<byte[], byte[]> m : batch) {
      OrderEvent event;
      try {
        event = OrderCodecs.EVENTS.decode(m.record().value());
      } catch (IllegalArgumentException e) {
        undecodable.increment();
        LOG.warn(
            "Saga passes over the undecodable record at {}-{}@{}: {}",
            m.record().topic(),
            m.record().partition(),
            m.record().offset(),
            e.getMessage());
        continue;
      }
      byOrder.computeIfAbsent(event.orderId(), k -> new ArrayList<>()).add(event);
    }
    List<CompletableFuture<Void>> chains = new ArrayList<>();
    for (List<OrderEvent> events : byOrder.values()) {
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (OrderEvent e : events) {
        chain = chain.thenCompose(x -> retrying(e, () -> steps.on(e)));
      }
      chains.add(chain);
    }
    return CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> retrying(OrderEvent event, Supplier<CompletionStage<Void>> step) {
    return step.get()
        .toCompletableFuture()
        .handle(
            (ok, error) -> {
              if (error == null) {
                handled.increment();
                return CompletableFuture.<Void>completedFuture(null);
              }
              Throwable cause = unwrap(error);
              if (!unknownOutcome(cause) || stopped.get()) {
                return CompletableFuture.<Void>failedFuture(cause);
              }
              retried.increment();
              LOG.info(
                  "Saga step for {} {} outcome unknown ({}), repeating it",
                  event.typeName(),
                  event.orderId(),
                  cause.getMessage());
              return Patterns.after(
                      retryPause,
                      system.classicSystem().scheduler(),
                      system.executionContext(),
                      () -> retrying(event, step))
                  .toCompletableFuture();
            })
        .thenCompose(f -> f);
  }

  /** No leader in time, no answer in time, session expired: repeating the step may succeed. */
  private static boolean unknownOutcome(Throwable t) {
    return t instanceof ShardedRaftException.TimedOut
        || t instanceof ShardedRaftException.Unavailable
        || t instanceof ShardedRaftException.SessionExpired
        || t instanceof TimeoutException;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
