package dev.shardraft.kafka.log;

import static dev.shardraft.kafka.log.KafkaTestSupport.TIMEOUT;
import static dev.shardraft.kafka.log.KafkaTestSupport.await;
import static dev.shardraft.kafka.log.KafkaTestSupport.barrier;
import static dev.shardraft.kafka.log.KafkaTestSupport.command;
import static dev.shardraft.kafka.log.KafkaTestSupport.isText;
import static dev.shardraft.kafka.log.KafkaTestSupport.readThrough;
import static dev.shardraft.kafka.log.KafkaTestSupport.uniqueShard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.admin.TopicCheck;
import dev.shardraft.kafka.admin.UnsafeTopicException;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.kafka.local.Await;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.TailEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log on a three-broker cluster (replication factor 3, min ISR 2): topic safety first, then
 * broker loss (the killed broker stays down: the cluster is discarded after the class).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeBrokerLogTest {

  private static final Logger LOG = LoggerFactory.getLogger(ThreeBrokerLogTest.class);

  @RegisterExtension static final KafkaFixture KAFKA = KafkaFixture.nodes(3);

  @Test
  @Order(2)
  void killingOneOfThreeBrokersMidLoadLosesNoCommittedEntryAndWritesContinue() throws Exception {
    String shard = uniqueShard("broker-loss");
    try (TopicAdmin admin = new TopicAdmin(KAFKA.settings())) {
      admin.ensureShardTopics(shard);
      assertEquals(
          new TopicCheck.Observed(1, 3, 2, "delete", -1, -1),
          admin.describe(TopicNames.log(shard)));
    }
    int batches = 120;
    int perBatch = 5;
    int killAfter = 30;
    Set<String> acked = ConcurrentSet.create();
    Set<String> unknown = ConcurrentSet.create();
    List<String> ackedInOrder = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger ackedBatches = new AtomicInteger();
    AtomicInteger ackedAfterKill = new AtomicInteger();
    AtomicInteger reopened = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean killed =
        new java.util.concurrent.atomic.AtomicBoolean();

    try (KafkaRaftLog log = new KafkaRaftLog(shard, KAFKA.settings(), KAFKA.system())) {
      CompletableFuture<Void> load =
          CompletableFuture.runAsync(
              () -> {
                long term = 1;
                LogWriter writer = null;
                try {
                  writer = await(log.openWriter(term, "r1"));
                  await(writer.append(List.of(barrier(term, "r1"))));
                  for (int b = 0; b < batches; b++) {
                    List<LogEntry> batch = new ArrayList<>();
                    List<String> texts = new ArrayList<>();
                    for (int i = 0; i < perBatch; i++) {
                      String text = "e" + b + "-" + i;
                      texts.add(text);
                      batch.add(command(term, "r1", "load", (long) b * perBatch + i + 1, text));
                    }
                    try {
                      await(writer.append(batch));
                      acked.addAll(texts);
                      ackedInOrder.addAll(texts);
                      ackedBatches.incrementAndGet();
                      if (killed.get()) {
                        ackedAfterKill.incrementAndGet();
                      }
                    } catch (Exception e) {
                      LOG.info(
                          "Batch {} failed ({}); its outcome is unknown, reopening the writer",
                          b,
                          e.toString());
                      unknown.addAll(texts);
                      writer.close();
                      term++;
                      reopened.incrementAndGet();
                      writer = await(log.openWriter(term, "r1"));
                    }
                  }
                  await(
                      writer.append(
                          List.of(
                              command(term, "r1", "load", (long) batches * perBatch + 1, "end"))));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                } finally {
                  if (writer != null) {
                    writer.close();
                  }
                }
              });

      Await.until(
          killAfter + " batches acked",
          TIMEOUT,
          () -> ackedBatches.get() >= killAfter || load.isDone());
      int leader = partitionLeader(TopicNames.log(shard));
      KAFKA.kafka().kill(leader);
      killed.set(true);
      LOG.info(
          "Killed broker {} (the log partition's leader) after {} acked batches",
          leader,
          ackedBatches.get());
      load.get(TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);

      assertTrue(ackedAfterKill.get() > 0, "writes continue after the broker loss");
      List<TailEvent> events = readThrough(log, 0, e -> isText(e, "end"), KAFKA.system());
      List<String> read = new ArrayList<>();
      events.forEach(
          e -> {
            String text = KafkaTestSupport.text(e);
            if (text != null && !text.equals("end")) {
              read.add(text);
            }
          });
      assertTrue(new HashSet<>(read).containsAll(acked), "no acknowledged entry is lost");
      assertEquals(read.size(), new HashSet<>(read).size(), "no entry is read twice");
      for (String text : read) {
        assertTrue(
            acked.contains(text) || unknown.contains(text),
            "only written entries are read: " + text);
      }
      List<String> ackedAsRead = read.stream().filter(acked::contains).toList();
      assertEquals(
          ackedInOrder,
          ackedAsRead,
          "acknowledged entries are read in the order they were acknowledged");
      LOG.info(
          "{} entries acked ({} batches after the kill), {} with unknown outcome, {} writer reopenings",
          acked.size(),
          ackedAfterKill.get(),
          unknown.size(),
          reopened.get());
    }
  }

  @Test
  @Order(1)
  void anUnderReplicatedExistingTopicIsRefusedOnThreeBrokers() throws Exception {
    String shard = uniqueShard("weak");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(TopicNames.log(shard), 1, (short) 1)
                      .configs(Map.of("retention.ms", "-1", "min.insync.replicas", "1"))))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
    try (TopicAdmin admin = new TopicAdmin(KAFKA.settings())) {
      UnsafeTopicException e =
          assertThrows(UnsafeTopicException.class, () -> admin.ensureShardTopics(shard));
      assertTrue(
          e.getMessage().contains("replication factor 1 < 3 on a cluster of 3 brokers"),
          e.getMessage());
      assertTrue(e.getMessage().contains("min.insync.replicas 1 < 2"), e.getMessage());
    }
  }

  private static int partitionLeader(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(60, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .get(0)
          .leader()
          .id();
    }
  }

  /** A concurrent set, named for readability above. */
  private static final class ConcurrentSet {
    static Set<String> create() {
      return java.util.concurrent.ConcurrentHashMap.newKeySet();
    }
  }
}
