/**
 * Topic administration: {@link dev.shardraft.kafka.admin.TopicAdmin} creates a shard's topics on
 * demand with the configured replication factor and {@code min.insync.replicas}, and checks
 * existing topics against {@link dev.shardraft.kafka.admin.TopicCheck}'s safety rules, refusing
 * ({@link dev.shardraft.kafka.admin.UnsafeTopicException}) to run on an unsafe production setup
 * unless {@code shardraft.kafka.topics.allow-unsafe-topics = on}.
 */
package dev.shardraft.kafka.admin;
