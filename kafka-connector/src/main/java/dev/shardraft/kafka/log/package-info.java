/**
 * The Raft log of a shard on Kafka: {@link dev.shardraft.kafka.log.KafkaRaftLog} implements the
 * {@code RaftLog} port on the single-partition topic {@code raft-log-<shard>}; {@link
 * dev.shardraft.kafka.log.KafkaLogWriter} is a leader's transactional writer (one Kafka transaction
 * per batch, {@code transactional.id = shardraft-<shard>}, fenced by the next {@code
 * initTransactions()}); {@link dev.shardraft.kafka.log.LogRecordFormat} is the record layout
 * (headers {@code sr.format}, {@code sr.kind}, {@code sr.term}, {@code sr.leader}, {@code sr.seq};
 * key = client id; value = command payload) and decodes records into {@code TailEvent}s without
 * ever throwing for bad data; {@link dev.shardraft.kafka.log.LogMetrics} counts what the tails
 * delivered. Batching is the leader's Raft core's (one append in flight, at most {@code
 * maxBatchSize} commands); the writer commits each batch it is given as one transaction.
 * docs/KAFKA-LOG.md tells the whole story.
 */
package dev.shardraft.kafka.log;
