/**
 * Snapshots on Kafka: {@link dev.shardraft.kafka.snapshot.KafkaSnapshotStore} implements the {@code
 * SnapshotStore} port on the compacted topic {@code raft-snapshot-<shard>}; {@link
 * dev.shardraft.kafka.snapshot.SnapshotThenTruncate} saves a snapshot and only then deletes the log
 * prefix it covers; {@link dev.shardraft.kafka.snapshot.RecoveryStart} says where a fresh replica
 * resumes and refuses a start that would skip lost entries.
 */
package dev.shardraft.kafka.snapshot;
