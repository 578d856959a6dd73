package dev.shardraft.runtime.bench;

import dev.shardraft.kafka.config.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The raw Kafka baseline of {@link BenchmarkSuite}, on the same brokers and with the producer
 * settings shardraft's log writer uses ({@link KafkaSettings#producerProperties}: {@code acks=all},
 * idempotent, transactional, shardraft's {@code retry.backoff.ms}): what Kafka alone carries when
 * nobody agrees on who may write.
 */
final class RawKafka {
  private RawKafka() {}

  /**
   * Creates {@code count} one-partition topics {@code <prefix>-<i>} like shardraft's log topics.
   */
  static List<String> createTopics(String bootstrap, String prefix, int count, int brokers)
      throws Exception {
    List<String> names = new ArrayList<>();
    List<NewTopic> topics = new ArrayList<>();
    short rf = (short) (brokers >= 3 ? 3 : 1);
    for (int i = 0; i < count; i++) {
      names.add(prefix + "-" + i);
      topics.add(
          new NewTopic(prefix + "-" + i, 1, rf)
              .configs(Map.of("min.insync.replicas", brokers >= 3 ? "2" : "1")));
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
    return names;
  }

  /**
   * Throughput: one transactional producer per topic (as one leader per group), each committing
   * transactions of {@code batch} records of {@code payload} bytes back to back for {@code seconds}
   * after a warm-up of 3 s. Returns records/s over all topics.
   */
  static double throughput(
      KafkaSettings settings, List<String> topics, int batch, int payload, int seconds)
      throws Exception {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong records = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    byte[] value = new byte[payload];
    List<Thread> writers = new ArrayList<>();
    CountDownLatch opened = new CountDownLatch(topics.size());
    for (String topic : topics) {
      Thread t =
          new Thread(
              () -> {
                try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(settings.producerProperties("raw-" + topic))) {
                  producer.initTransactions();
                  opened.countDown();
                  while (!stop.get()) {
                    producer.beginTransaction();
                    for (int i = 0; i < batch; i++) {
                      producer.send(new ProducerRecord<>(topic, null, value));
                    }
                    producer.commitTransaction();
                    if (measuring.get()) {
                      records.addAndGet(batch);
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                  opened.countDown();
                }
              },
              "raw-writer-" + topic);
      t.start();
      writers.add(t);
    }
    opened.await(120, TimeUnit.SECONDS);
    Thread.sleep(3_000);
    measuring.set(true);
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long n = records.get();
    double wall = (System.nanoTime() - t0) / 1e9;
    stop.set(true);
    for (Thread t : writers) {
      t.join(60_000);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("raw Kafka writer failed: " + failure.get(), failure.get());
    }
    return n / wall;
  }

  /**
   * The round trip of one record: produce it in a transaction, commit, until a read_committed
   * consumer (assigned, polling all the time) returns it; {@code count} times one after the other
   * after {@code warmup} unmeasured ones. Microseconds.
   */
  static Histogram roundTrip(
      KafkaSettings settings, String topic, int payload, int warmup, int count) throws Exception {
    Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicLong seen = new AtomicLong(-1);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Map<String, Object> consumerProps = settings.consumerProperties(null);
    TopicPartition partition = new TopicPartition(topic, 0);
    CountDownLatch positioned = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
                consumer.assign(List.of(partition));
                consumer.seekToEnd(List.of(partition));
                consumer.position(partition);
                positioned.countDown();
                while (!stop.get()) {
                  for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    seen.set(bytesToLong(r.value()));
                  }
                }
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
                positioned.countDown();
              }
            },
            "raw-round-trip-reader");
    reader.start();
    positioned.await(60, TimeUnit.SECONDS);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(settings.producerProperties("raw-rt-" + topic))) {
      producer.initTransactions();
      for (long i = 0; i < warmup + count; i++) {
        byte[] value = new byte[payload];
        longToBytes(i, value);
        long t0 = System.nanoTime();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, null, value));
        producer.commitTransaction();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
        while (seen.get() < i) {
          if (failure.get() != null || System.nanoTime() > deadline) {
            throw new IllegalStateException("round trip record " + i + " not seen", failure.get());
          }
          java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
        if (i >= warmup) {
          h.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
        }
      }
    } finally {
      stop.set(true);
      reader.join(10_000);
    }
    return h;
  }

  private static void longToBytes(long v, byte[] into) {
    for (int i = 0; i < 8; i++) {
      into[i] = (byte) (v >>> (56 - 8 * i));
    }
  }

  private static long bytesToLong(byte[] b) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }
}
