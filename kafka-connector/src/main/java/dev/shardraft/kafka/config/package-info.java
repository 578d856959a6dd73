/**
 * Configuration of shardraft's Kafka side: {@link dev.shardraft.kafka.config.KafkaSettings} reads
 * {@code shardraft.kafka} (reference.conf of kafka-connector) and builds the properties of every
 * producer, consumer and admin client, passing any Kafka property through ({@code client} block,
 * then {@code producer}/{@code consumer}/{@code admin} overrides) while refusing unsafe values for
 * the properties shardraft owns. {@link dev.shardraft.kafka.config.TopicNames} names topics and
 * transactional ids; {@link dev.shardraft.kafka.config.Retries} is the bounded back-off used
 * against an unavailable cluster.
 */
package dev.shardraft.kafka.config;
