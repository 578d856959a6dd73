package dev.shardraft.kafka.snapshot;

import static dev.shardraft.kafka.log.KafkaTestSupport.await;
import static dev.shardraft.kafka.log.KafkaTestSupport.barrier;
import static dev.shardraft.kafka.log.KafkaTestSupport.command;
import static dev.shardraft.kafka.log.KafkaTestSupport.isText;
import static dev.shardraft.kafka.log.KafkaTestSupport.read;
import static dev.shardraft.kafka.log.KafkaTestSupport.readThrough;
import static dev.shardraft.kafka.log.KafkaTestSupport.uniqueShard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.log.ExecutionExceptionCheck;
import dev.shardraft.kafka.log.KafkaFixture;
import dev.shardraft.kafka.log.KafkaRaftLog;
import dev.shardraft.kafka.log.KeyValueMachine;
import dev.shardraft.raft.core.apply.Applier;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogTruncatedException;
import dev.shardraft.raft.port.LogWriter;
import dev.shardraft.raft.port.Snapshot;
import dev.shardraft.raft.port.TailEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Snapshots, truncation and recovery against one real broker: a replica restored from a snapshot
 * after the log was truncated reaches the same state (state machine, sessions, term) as one that
 * applied the whole log.
 */
class SnapshotRecoveryTest {

  @RegisterExtension static final KafkaFixture KAFKA = KafkaFixture.nodes(1);

  private static List<LogEntry> commands(
      long term, String leader, String client, int fromSeq, int count, String prefix) {
    List<LogEntry> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int seq = fromSeq + i;
      batch.add(command(term, leader, client, seq, prefix + (seq % 5) + "=" + client + seq));
    }
    return batch;
  }

  @Test
  void aReplicaRestoredFromASnapshotAfterTruncationMatchesOneThatReplayedEverything()
      throws Exception {
    String shard = uniqueShard("recovery");
    try (TopicAdmin admin = new TopicAdmin(KAFKA.settings())) {
      admin.ensureShardTopics(shard);
    }
    try (KafkaRaftLog log = new KafkaRaftLog(shard, KAFKA.settings(), KAFKA.system());
        KafkaSnapshotStore store = new KafkaSnapshotStore(KAFKA.settings())) {
      LogWriter writer = await(log.openWriter(1, "r1"));
      await(writer.append(List.of(barrier(1, "r1"))));
      await(writer.append(commands(1, "r1", "a", 1, 20, "k")));
      await(writer.append(commands(1, "r1", "b", 1, 15, "k")));
      await(writer.append(List.of(command(1, "r1", "a", 21, "end=1"))));
      writer.close();

      // The full-replay replica applies the first part, snapshots, and truncates the log.
      KeyValueMachine fullMachine = new KeyValueMachine();
      Applier<String, String> full = new Applier<>(fullMachine, 10_000);
      readThrough(log, 0, e -> isText(e, "end=1"), KAFKA.system()).forEach(full::apply);
      Snapshot snapshot = full.snapshot();
      await(SnapshotThenTruncate.run(store, log, snapshot));
      assertEquals(snapshot.nextIndex(), await(log.logStartIndex()));

      // A new leader of term 2 writes more, including a retry of a's last command (a duplicate).
      LogWriter next = await(log.openWriter(2, "r2"));
      await(next.append(List.of(barrier(2, "r2"), command(2, "r2", "a", 21, "end=1"))));
      await(next.append(commands(2, "r2", "b", 16, 10, "m")));
      await(next.append(List.of(command(2, "r2", "c", 1, "end=2"))));
      next.close();
      List<TailEvent> rest =
          readThrough(log, full.nextIndex(), e -> isText(e, "end=2"), KAFKA.system());
      rest.forEach(full::apply);

      // A fresh replica on another "node": new store and log instances, snapshot + tail.
      try (KafkaSnapshotStore freshStore = new KafkaSnapshotStore(KAFKA.settings());
          KafkaRaftLog freshLog = new KafkaRaftLog(shard, KAFKA.settings(), KAFKA.system())) {
        Optional<Snapshot> latest = await(freshStore.latest(shard));
        assertEquals(Optional.of(snapshot), latest);
        RecoveryStart start = RecoveryStart.plan(shard, latest, await(freshLog.logStartIndex()));
        assertEquals(snapshot.nextIndex(), start.fromIndex());

        // Contract change: a tail from 0 no longer starts at the log start, it fails.
        LogTruncatedException belowStart =
            ExecutionExceptionCheck.assertFailsWith(
                LogTruncatedException.class,
                () -> read(freshLog, 0, 1, KAFKA.system()),
                "starts at " + snapshot.nextIndex());
        assertEquals(0, belowStart.requestedIndex());

        KeyValueMachine restoredMachine = new KeyValueMachine();
        Applier<String, String> restored = new Applier<>(restoredMachine, 10_000);
        restored.restore(start.snapshot().orElseThrow());
        readThrough(freshLog, start.fromIndex(), e -> isText(e, "end=2"), KAFKA.system())
            .forEach(restored::apply);

        assertEquals(fullMachine.state(), restoredMachine.state());
        assertEquals(full.sessions().view(), restored.sessions().view());
        assertEquals(full.logTerm(), restored.logTerm());
        assertEquals(full.nextIndex(), restored.nextIndex());
        assertEquals(1, full.duplicates(), "a's retry is a duplicate for the full replica");
        assertEquals(
            1, restored.duplicates(), "and, through the snapshot's sessions, for the restored one");
        assertTrue(fullMachine.state().containsKey("m0"), fullMachine.state().toString());
      }
    }
  }

  @Test
  void latestIsTheHighestNextIndexAndALowerSaveNeverReplacesIt() throws Exception {
    String shard = uniqueShard("latest");
    try (TopicAdmin admin = new TopicAdmin(KAFKA.settings())) {
      admin.ensureShardTopics(shard);
    }
    Snapshot high = new Snapshot(50, 3, Bytes.of(new byte[] {5}));
    try (KafkaSnapshotStore store = new KafkaSnapshotStore(KAFKA.settings())) {
      assertEquals(Optional.empty(), await(store.latest(shard)));
      await(store.save(shard, new Snapshot(10, 1, Bytes.of(new byte[] {1}))));
      await(store.save(shard, high));
      await(store.save(shard, new Snapshot(20, 2, Bytes.of(new byte[] {2}))));
      assertEquals(Optional.of(high), await(store.latest(shard)));
    }
    try (KafkaSnapshotStore other = new KafkaSnapshotStore(KAFKA.settings())) {
      assertEquals(Optional.of(high), await(other.latest(shard)));
    }
  }

  @Test
  void aSnapshotOfSeveralMegabytesIsSavedAndLoaded() throws Exception {
    String shard = uniqueShard("large");
    try (TopicAdmin admin = new TopicAdmin(KAFKA.settings())) {
      admin.ensureShardTopics(shard);
    }
    byte[] data = new byte[5 * 1024 * 1024];
    new java.util.Random(7).nextBytes(data);
    Snapshot big = new Snapshot(1, 1, Bytes.of(data));
    try (KafkaSnapshotStore store = new KafkaSnapshotStore(KAFKA.settings())) {
      await(store.save(shard, big));
    }
    try (KafkaSnapshotStore other = new KafkaSnapshotStore(KAFKA.settings())) {
      assertEquals(Optional.of(big), await(other.latest(shard)));
    }
  }

  /**
   * One store reads the snapshots of many shards on one Kafka consumer: each shard's latest is its
   * own, a later save by another process to any of them is seen (each shard read on from where it
   * was), and the store adds one consumer, not one per shard.
   */
  @Test
  void oneStoreReadsTheSnapshotsOfManyShardsOnOneConsumer() throws Exception {
    List<String> shards = new ArrayList<>();
    try (TopicAdmin admin = new TopicAdmin(KAFKA.settings())) {
      for (int i = 0; i < 4; i++) {
        shards.add(uniqueShard("many" + i));
        admin.ensureShardTopics(shards.get(i));
      }
    }
    try (KafkaSnapshotStore writer = new KafkaSnapshotStore(KAFKA.settings())) {
      for (int i = 0; i < shards.size(); i++) {
        await(writer.save(shards.get(i), new Snapshot(10 + i, 1, Bytes.of(new byte[] {(byte) i}))));
      }
      java.util.Set<javax.management.ObjectName> before = consumerBeans();
      try (KafkaSnapshotStore reader = new KafkaSnapshotStore(KAFKA.settings())) {
        for (int round = 0; round < 2; round++) {
          for (int i = 0; i < shards.size(); i++) {
            assertEquals(
                Optional.of(new Snapshot(10 + i + 100 * round, 1, Bytes.of(new byte[] {(byte) i}))),
                await(reader.latest(shards.get(i))),
                shards.get(i) + " in round " + round);
          }
          for (int i = 0; i < shards.size(); i++) { // newer snapshots, saved by another process
            await(
                writer.save(
                    shards.get(i), new Snapshot(110 + i, 1, Bytes.of(new byte[] {(byte) i}))));
          }
        }
        java.util.Set<javax.management.ObjectName> added = consumerBeans();
        added.removeAll(before);
        assertEquals(1, added.size(), "consumers the reading store created: " + added);
      }
    }
  }

  private static java.util.Set<javax.management.ObjectName> consumerBeans() throws Exception {
    return new java.util.HashSet<>(
        java.lang.management.ManagementFactory.getPlatformMBeanServer()
            .queryNames(
                new javax.management.ObjectName("kafka.consumer:type=consumer-metrics,client-id=*"),
                null));
  }
}
