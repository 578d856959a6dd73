package dev.shardraft.sample.cluster;

import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.log.KafkaRaftLog;
import dev.shardraft.kafka.meta.KafkaMetaStore;
import dev.shardraft.kafka.snapshot.KafkaSnapshotStore;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/**
 * The Kafka ports of one replica incarnation, as a node of its own would have them: its own {@link
 * KafkaRaftLog} (tail metrics per replica), {@link KafkaMetaStore} and {@link KafkaSnapshotStore}.
 * Made fresh at every start of the replica and closed after it stopped, so a restarted replica
 * shares no memory with its previous incarnation.
 */
final class ReplicaStores implements AutoCloseable {

  final KafkaRaftLog kafkaLog;
  final RetainingRaftLog log;
  final KafkaMetaStore meta;
  final KafkaSnapshotStore snapshots;

  ReplicaStores(String shard, KafkaSettings kafka, ClassicActorSystemProvider system) {
    this.kafkaLog = new KafkaRaftLog(shard, kafka, system);
    this.log = new RetainingRaftLog(kafkaLog);
    this.meta = new KafkaMetaStore(kafka);
    this.snapshots = new KafkaSnapshotStore(kafka);
  }

  @Override
  public void close() {
    snapshots.close();
    meta.close();
    kafkaLog.close();
  }
}
