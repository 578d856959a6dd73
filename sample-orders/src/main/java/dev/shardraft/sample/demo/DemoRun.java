package dev.shardraft.sample.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.Transactional;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * One run of the demo against a Kafka cluster: a transactional write of order commands (one
 * committed batch, one aborted batch, then an end marker), a read_committed read through Pekko
 * Connectors Kafka, and an exactly-once projection of the commands into events. Topics are new for
 * every run, so runs against a shared cluster do not see each other.
 */
public final class DemoRun {

  static final String END = "end";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final ActorSystem system;
  private final String bootstrapServers;
  private final int orders;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);

  public DemoRun(ActorSystem system, String bootstrapServers, int orders) {
    if (orders < 1) {
      throw new IllegalArgumentException("orders must be at least 1, got " + orders);
    }
    this.system = system;
    this.bootstrapServers = bootstrapServers;
    this.orders = orders;
  }

  /** Runs the demo; every step waits at most 60 s. */
  public DemoReport run() throws ExecutionException, InterruptedException, TimeoutException {
    String commands = "demo-order-commands-" + runId;
    String events = "demo-order-events-" + runId;
    int brokers = createTopics(commands, events);

    long started = System.nanoTime();
    List<String> committed = IntStream.range(0, orders).mapToObj(i -> "place order-" + i).toList();
    List<String> aborted = List.of("place aborted-0", "place aborted-1", "place aborted-2");
    writeTransactions(commands, committed, aborted);
    long written = System.nanoTime();

    List<ConsumerRecord<String, String>> read = readCommitted(commands);
    long readDone = System.nanoTime();
    List<ConsumerRecord<String, String>> commandsRead = read.subList(0, read.size() - 1);
    long firstOffset = commandsRead.isEmpty() ? -1 : commandsRead.get(0).offset();
    long lastOffset =
        commandsRead.isEmpty() ? -1 : commandsRead.get(commandsRead.size() - 1).offset();
    int abortedRead =
        (int) commandsRead.stream().filter(r -> r.value().startsWith("place aborted-")).count();

    List<ConsumerRecord<String, String>> projected = project(commands, events);
    long projectedDone = System.nanoTime();

    return new DemoReport(
        brokers,
        commands,
        events,
        committed.size(),
        aborted.size(),
        commandsRead.size(),
        abortedRead,
        firstOffset,
        lastOffset,
        read.get(read.size() - 1).offset(),
        projected.size() - 1,
        millis(written - started),
        millis(readDone - written),
        millis(projectedDone - readDone));
  }

  private int createTopics(String commands, String events)
      throws ExecutionException, InterruptedException, TimeoutException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      int brokers =
          admin.describeCluster().nodes().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).size();
      short replication = (short) Math.min(3, brokers);
      admin
          .createTopics(
              List.of(new NewTopic(commands, 1, replication), new NewTopic(events, 1, replication)))
          .all()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return brokers;
    }
  }

  private void writeTransactions(String topic, List<String> committed, List<String> aborted) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "demo-writer-" + runId);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      committed.forEach(command -> producer.send(new ProducerRecord<>(topic, "orders-0", command)));
      producer.commitTransaction();
      producer.beginTransaction();
      aborted.forEach(command -> producer.send(new ProducerRecord<>(topic, "orders-0", command)));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "orders-0", END));
      producer.commitTransaction();
    }
  }

  /** The committed records of partition 0, through the end marker. */
  private List<ConsumerRecord<String, String>> readCommitted(String topic)
      throws ExecutionException, InterruptedException, TimeoutException {
    return Consumer.plainSource(
            consumerSettings(), Subscriptions.assignment(Set.of(new TopicPartition(topic, 0))))
        .takeWhile(record -> !record.value().equals(END), true)
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Projects commands into events exactly once; returns the events read back, end marker last. */
  private List<ConsumerRecord<String, String>> project(String commands, String events)
      throws ExecutionException, InterruptedException, TimeoutException {
    ProducerSettings<String, String> producerSettings =
        ProducerSettings.create(system, new StringSerializer(), new StringSerializer())
            .withBootstrapServers(bootstrapServers);
    // On shutdown the source's revoke handler waits up to commit-timeout (15 s by default)
    // for a drain that has already happened; 2 s keeps the demo short.
    ConsumerSettings<String, String> projectionSettings =
        consumerSettings()
            .withGroupId("demo-projection-" + runId)
            .withCommitTimeout(Duration.ofSeconds(2));
    Consumer.DrainingControl<Done> projection =
        Transactional.source(projectionSettings, Subscriptions.topics(commands))
            .map(
                message ->
                    ProducerMessage.single(
                        new ProducerRecord<>(
                            events, message.record().key(), toEvent(message.record().value())),
                        message.partitionOffset()))
            .toMat(Transactional.sink(producerSettings, "demo-projection-" + runId), Keep.both())
            .mapMaterializedValue(Consumer::createDrainingControl)
            .run(system);
    try {
      return readCommitted(events);
    } finally {
      projection
          .drainAndShutdown(system.dispatcher())
          .toCompletableFuture()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  static String toEvent(String command) {
    return command.equals(END) ? END : command.replaceFirst("^place ", "") + " placed";
  }

  private ConsumerSettings<String, String> consumerSettings() {
    return ConsumerSettings.create(system, new StringDeserializer(), new StringDeserializer())
        .withBootstrapServers(bootstrapServers)
        .withProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .withStopTimeout(Duration.ZERO);
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
