package dev.shardraft.kafka.log;

import static dev.shardraft.kafka.log.KafkaTestSupport.await;
import static dev.shardraft.kafka.log.KafkaTestSupport.barrier;
import static dev.shardraft.kafka.log.KafkaTestSupport.command;
import static dev.shardraft.kafka.log.KafkaTestSupport.text;
import static dev.shardraft.kafka.log.KafkaTestSupport.uniqueShard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.Await;
import dev.shardraft.raft.port.LogTruncatedException;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.TailEvent;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The logs of many shards on one {@link SharedLogClients}: their tails share one Kafka consumer
 * (counted by the consumers' JMX beans) and keep the tail contract of {@link KafkaRaftLog}: order,
 * back-pressure, {@link LogTruncatedException} for the tail that fell below the log start, and a
 * plain failure, then a working restart, for the tails that shared its consumer.
 */
class SharedLogClientsTest {

  @RegisterExtension static final KafkaFixture KAFKA = KafkaFixture.nodes(1);

  private static TopicAdmin topics;
  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeAll
  static void start() {
    topics = new TopicAdmin(KAFKA.settings());
  }

  @AfterAll
  static void stop() {
    topics.close();
  }

  @AfterEach
  void closeResources() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    resources.clear();
  }

  private SharedLogClients shared(KafkaSettings settings, int consumers) {
    SharedLogClients clients = new SharedLogClients(settings, KAFKA.system(), consumers);
    resources.add(clients);
    return clients;
  }

  private LogWriter open(KafkaRaftLog log, long term) throws Exception {
    LogWriter writer = await(log.openWriter(term, "r1"));
    resources.add(writer);
    return writer;
  }

  /** The Kafka consumers alive in this JVM (one metrics bean per consumer client). */
  private static Set<ObjectName> consumerBeans() throws MalformedObjectNameException {
    return ManagementFactory.getPlatformMBeanServer()
        .queryNames(new ObjectName("kafka.consumer:type=consumer-metrics,client-id=*"), null);
  }

  @Test
  void theTailsOfManyShardsShareOneConsumerAndEachReadsItsOwnLogInOrder() throws Exception {
    int shards = 5;
    List<KafkaRaftLog> logs = new ArrayList<>();
    List<List<Long>> written = new ArrayList<>();
    Set<ObjectName> before = consumerBeans();
    SharedLogClients clients = shared(KAFKA.settings(), 1);
    for (int i = 0; i < shards; i++) {
      String shard = uniqueShard("shared");
      topics.ensureShardTopics(shard);
      KafkaRaftLog log = clients.log(shard);
      LogWriter writer = open(log, 1);
      List<Long> indices = new ArrayList<>(await(writer.append(List.of(barrier(1, "r1")))));
      for (int seq = 1; seq <= 3; seq++) {
        indices.addAll(
            await(writer.append(List.of(command(1, "r1", "c", seq, "s" + i + "-" + seq)))));
      }
      logs.add(log);
      written.add(indices);
    }
    List<CompletableFuture<List<TailEvent>>> tails = new ArrayList<>();
    for (KafkaRaftLog log : logs) {
      tails.add(log.tail(0).take(4).runWith(Sink.seq(), KAFKA.system()).toCompletableFuture());
    }
    for (int i = 0; i < shards; i++) {
      List<TailEvent> events = await(tails.get(i));
      assertEquals(written.get(i), events.stream().map(TailEvent::index).toList());
      assertEquals("s" + i + "-3", text(events.get(3)));
    }
    Set<ObjectName> added = consumerBeans();
    added.removeAll(before);
    assertEquals(1, added.size(), shards + " tails on one shared consumer: " + added);
  }

  /**
   * Two tails of one partition on one node at the same time (two replicas of a group on one node
   * while there are fewer nodes than replicas, or a replica's new tail starting while its old one
   * is still being cancelled): each reads the whole log in order from its own position. One Kafka
   * consumer has one position per partition, so they must not share it; before the fix the shared
   * consumer actor handed each poll's records to one of them, and the two stages took the partition
   * from each other ("already requested by other stage") so that each saw only part of the log.
   */
  @Test
  void twoTailsOfOnePartitionAtOnceEachReadTheWholeLog() throws Exception {
    SharedLogClients clients = shared(KAFKA.settings(), 1);
    String shard = uniqueShard("twice");
    topics.ensureShardTopics(shard);
    KafkaRaftLog log = clients.log(shard);
    LogWriter writer = open(log, 1);
    List<Long> written = new ArrayList<>();
    for (int seq = 1; seq <= 5; seq++) {
      written.addAll(await(writer.append(List.of(command(1, "r1", "c", seq, "t" + seq)))));
    }
    int total = 40;
    CompletableFuture<List<TailEvent>> first =
        log.tail(written.get(0))
            .take(total)
            .runWith(Sink.seq(), KAFKA.system())
            .toCompletableFuture();
    CompletableFuture<List<TailEvent>> second =
        log.tail(written.get(2))
            .take(total - 2)
            .runWith(Sink.seq(), KAFKA.system())
            .toCompletableFuture();
    for (int seq = 6; seq <= total; seq++) {
      written.addAll(await(writer.append(List.of(command(1, "r1", "c", seq, "t" + seq)))));
    }
    assertEquals(
        written,
        first.get(30, TimeUnit.SECONDS).stream().map(TailEvent::index).toList(),
        "the first tail");
    assertEquals(
        written.subList(2, total),
        second.get(30, TimeUnit.SECONDS).stream().map(TailEvent::index).toList(),
        "the second tail");
    assertEquals(1, clients.ownConsumerTails(), "the second tail had a consumer of its own");
  }

  /**
   * A replica's tail ends on a node (a rebalance moved the replica away, or the tail restarted) and
   * a new tail of the same partition starts on the same shared consumer: it must read. Before the
   * fix, the consumer actor kept the ended stage as the partition's owner, and the new tail never
   * received a record (ShardedRaftClusterTest: a leadership transfer to a replica started again on
   * a node never completed).
   */
  @Test
  void aTailOfTheSamePartitionStartedAgainOnTheSameConsumerReads() throws Exception {
    SharedLogClients clients = shared(KAFKA.settings(), 1);
    String shard = uniqueShard("again");
    String other = uniqueShard("other");
    topics.ensureShardTopics(shard);
    topics.ensureShardTopics(other);
    KafkaRaftLog log = clients.log(shard);
    KafkaRaftLog otherLog = clients.log(other);
    LogWriter writer = open(log, 1);
    LogWriter otherWriter = open(otherLog, 1);
    await(otherWriter.append(List.of(command(1, "r1", "o", 1, "o1"))));
    // A neighbour tail that keeps running on the same consumer throughout.
    SinkQueueWithCancel<TailEvent> neighbour = slowQueue(otherLog);
    assertTrue(await(neighbour.pull()).isPresent());

    List<Long> indices = new ArrayList<>();
    for (int round = 1; round <= 4; round++) {
      indices.addAll(await(writer.append(List.of(command(1, "r1", "c", round, "again-" + round)))));
      long from = indices.get(round - 1);
      // Round 1 and 3 end by taking what they need (the stage completes); rounds 2 and 4 are
      // cancelled while their request for more is outstanding.
      if (round % 2 == 1) {
        List<TailEvent> events =
            log.tail(from)
                .take(1)
                .runWith(Sink.seq(), KAFKA.system())
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        assertEquals(
            List.of(from), events.stream().map(TailEvent::index).toList(), "round " + round);
      } else {
        SinkQueueWithCancel<TailEvent> q =
            log.tail(from)
                .runWith(
                    Sink.<TailEvent>queue().withAttributes(Attributes.inputBuffer(1, 1)),
                    KAFKA.system());
        TailEvent event = q.pull().toCompletableFuture().get(20, TimeUnit.SECONDS).orElseThrow();
        assertEquals(from, event.index(), "round " + round);
        q.pull(); // outstanding demand when it is cancelled
        q.cancel();
      }
    }
    List<Long> otherNext = await(otherWriter.append(List.of(command(1, "r1", "o", 2, "o2"))));
    assertEquals(
        otherNext.get(0),
        neighbour.pull().toCompletableFuture().get(20, TimeUnit.SECONDS).orElseThrow().index(),
        "the neighbour tail kept reading");
  }

  @Test
  void aTailThatFallsBelowTheLogStartFailsAloneAsTruncatedAndItsNeighboursRestart()
      throws Exception {
    // A slow shared consumer: one record per fetch and per poll, so a lagging tail stays behind.
    KafkaSettings slow =
        KafkaSettings.fromConfig(
            ConfigFactory.parseString(
                "shardraft.kafka { bootstrap-servers = \""
                    + KAFKA.bootstrapServers()
                    + "\"\n"
                    + "consumer { \"max.poll.records\" = 1, \"fetch.max.bytes\" = 1,"
                    + " \"max.partition.fetch.bytes\" = 1 } }"));
    SharedLogClients clients = shared(slow, 1);
    String lagging = uniqueShard("lagging");
    String neighbour = uniqueShard("neighbour");
    topics.ensureShardTopics(lagging);
    topics.ensureShardTopics(neighbour);
    KafkaRaftLog laggingLog = clients.log(lagging);
    KafkaRaftLog neighbourLog = clients.log(neighbour);
    LogWriter laggingWriter = open(laggingLog, 1);
    for (int seq = 1; seq <= 60; seq += 2) {
      await(
          laggingWriter.append(
              List.of(command(1, "r1", "c", seq, "x"), command(1, "r1", "c", seq + 1, "y"))));
    }
    LogWriter neighbourWriter = open(neighbourLog, 1);
    List<Long> first = await(neighbourWriter.append(List.of(command(1, "r1", "n", 1, "n1"))));

    SinkQueueWithCancel<TailEvent> laggingTail = slowQueue(laggingLog);
    SinkQueueWithCancel<TailEvent> neighbourTail = slowQueue(neighbourLog);
    assertTrue(await(laggingTail.pull()).isPresent());
    assertEquals(first.get(0), await(neighbourTail.pull()).orElseThrow().index());

    long end = await(laggingLog.endIndex());
    await(laggingLog.deleteBefore(end)); // past the lagging tail's fetch position

    Throwable laggingFailure = drainUntilFailure(laggingTail);
    LogTruncatedException truncated =
        assertInstanceOf(LogTruncatedException.class, laggingFailure, "the lagging tail");
    assertEquals(lagging, truncated.shard());
    assertEquals(end, truncated.logStart());

    Throwable neighbourFailure = drainUntilFailure(neighbourTail);
    assertFalse(
        neighbourFailure instanceof LogTruncatedException,
        "the neighbour's log was not cut: " + neighbourFailure);

    // The neighbour's replica restarts its tail where it was; it works once the consumer is back.
    List<Long> second = await(neighbourWriter.append(List.of(command(1, "r1", "n", 2, "n2"))));
    long from = first.get(0) + 1;
    List<String> lastError = new ArrayList<>(List.of("none"));
    List<TailEvent> again =
        Await.value(
            "the neighbour's tail restarted on the new shared consumer",
            Duration.ofSeconds(30),
            () -> {
              try {
                return java.util.Optional.of(
                    neighbourLog
                        .tail(from)
                        .take(1)
                        .runWith(Sink.seq(), KAFKA.system())
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS));
              } catch (Exception restarting) {
                lastError.set(0, restarting.toString());
                return java.util.Optional.empty();
              }
            },
            () -> lastError.get(0));
    assertEquals(second, again.stream().map(TailEvent::index).toList());
  }

  private SinkQueueWithCancel<TailEvent> slowQueue(KafkaRaftLog log) {
    SinkQueueWithCancel<TailEvent> q =
        log.tail(0)
            .runWith(
                Sink.<TailEvent>queue().withAttributes(Attributes.inputBuffer(1, 1)),
                KAFKA.system());
    resources.add(q::cancel);
    return q;
  }

  private static Throwable drainUntilFailure(SinkQueueWithCancel<TailEvent> q) throws Exception {
    for (int i = 0; i < 10_000; i++) {
      try {
        if (await(q.pull()).isEmpty()) {
          throw new AssertionError("the tail completed instead of failing");
        }
      } catch (AssertionError e) {
        throw e;
      } catch (Exception e) {
        return e;
      }
    }
    throw new AssertionError("the tail did not fail");
  }
}
