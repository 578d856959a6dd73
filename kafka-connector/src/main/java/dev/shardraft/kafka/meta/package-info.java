/**
 * Durable term and vote: {@link dev.shardraft.kafka.meta.KafkaMetaStore} implements the {@code
 * RaftMetaStore} port on the compacted topic {@code raft-meta} (key {@code <shard>/<replica>}),
 * saving with {@code acks=all} and completing only after the broker's acknowledgement, loading by
 * reading the topic to its end.
 */
package dev.shardraft.kafka.meta;
