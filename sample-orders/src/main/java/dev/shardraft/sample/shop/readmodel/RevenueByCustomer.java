package dev.shardraft.sample.shop.readmodel;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.sample.shop.orders.OrderCodecs;
import dev.shardraft.sample.shop.orders.OrderEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A downstream read model of {@code orders-events}: revenue per customer, as another service would
 * build it. A plain {@code read_committed} Kafka consumer (no consumer group, the topic's
 * partitions assigned, read from the start) on a thread of its own applies each event once, in
 * topic order: {@code OrderPlaced} remembers the order's customer, {@code OrderPaid} adds the
 * amount, {@code OrderCancelled} with a refund subtracts it.
 *
 * <p><b>Exactly once.</b> The projection puts each event on the topic once (docs/KAFKA-LOG.md);
 * this view keeps its position (the next offset per partition) together with its figures, under one
 * lock, and applies a record only at its position, so a record is never counted twice nor skipped.
 * This view lives in memory and rebuilds from the start when it starts; a view kept in a database
 * would store its position in the same transaction as its rows and resume from it.
 */
public final class RevenueByCustomer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RevenueByCustomer.class);

  /** One customer's figures, in cents. */
  public record Revenue(long paidCents, long refundedCents, long paidOrders) {
    public long netCents() {
      return paidCents - refundedCents;
    }
  }

  /** The view at one position. */
  public record View(Map<String, Revenue> customers, Map<Integer, Long> position, long events) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final Thread thread;
  private final Map<String, String> customerOf = new HashMap<>();
  private final Map<String, Revenue> customers = new TreeMap<>();
  private final Map<Integer, Long> position = new TreeMap<>();
  private final Map<Integer, Long> fetched = new java.util.concurrent.ConcurrentHashMap<>();
  private long events;
  private volatile boolean running = true;
  private volatile Throwable failure;

  private RevenueByCustomer(KafkaSettings kafka, String topic) {
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(kafka.consumerProperties(null));
    this.thread = new Thread(this::consume, "revenue-by-customer-" + topic);
    this.thread.setDaemon(true);
  }

  /** Starts consuming {@code topic} from its start. */
  public static RevenueByCustomer start(KafkaSettings kafka, String topic) {
    RevenueByCustomer view = new RevenueByCustomer(kafka, topic);
    view.thread.start();
    return view;
  }

  private void consume() {
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(r);
        }
        for (TopicPartition p : partitions) {
          fetched.put(p.partition(), consumer.position(p)); // past transaction markers too
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
      }
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("Read model of {} failed", topic, e);
    } finally {
      consumer.close();
    }
  }

  private synchronized void apply(ConsumerRecord<byte[], byte[]> r) {
    long next = position.getOrDefault(r.partition(), 0L);
    if (r.offset() < next) {
      return; // delivered again after a seek: applied already
    }
    position.put(r.partition(), r.offset() + 1);
    events++;
    OrderEvent e = OrderCodecs.EVENTS.decode(r.value());
    if (e instanceof OrderEvent.OrderPlaced p) {
      customerOf.put(p.orderId(), p.customer());
    } else if (e instanceof OrderEvent.OrderPaid p) {
      Revenue before = customers.getOrDefault(p.customer(), new Revenue(0, 0, 0));
      customers.put(
          p.customer(),
          new Revenue(
              before.paidCents() + p.amountCents(),
              before.refundedCents(),
              before.paidOrders() + 1));
    } else if (e instanceof OrderEvent.OrderCancelled c && c.refundCents() > 0) {
      String customer = customerOf.get(c.orderId());
      if (customer == null) {
        throw new IllegalStateException(
            "refund of " + c.orderId() + " before its OrderPlaced at offset " + r.offset());
      }
      Revenue before = customers.getOrDefault(customer, new Revenue(0, 0, 0));
      customers.put(
          customer,
          new Revenue(
              before.paidCents(), before.refundedCents() + c.refundCents(), before.paidOrders()));
    }
  }

  /** The figures and the position they are at. */
  public synchronized View view() {
    if (failure != null) {
      throw new IllegalStateException("the read model failed", failure);
    }
    return new View(Map.copyOf(customers), Map.copyOf(position), events);
  }

  /** Whether the view has read every committed event (up to the topic's end now). */
  public boolean caughtUp(KafkaSettings kafka, Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> probe =
        new KafkaConsumer<>(kafka.consumerProperties(null))) {
      List<TopicPartition> partitions =
          probe.partitionsFor(topic, timeout).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      Map<TopicPartition, Long> end = probe.endOffsets(partitions, timeout);
      view(); // fails if the read model failed
      for (TopicPartition p : partitions) {
        // the consumer's position, which also moves past transaction markers, against the
        // read_committed end (the last stable offset)
        if (fetched.getOrDefault(p.partition(), 0L) < end.get(p)) {
          return false;
        }
      }
      return true;
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
