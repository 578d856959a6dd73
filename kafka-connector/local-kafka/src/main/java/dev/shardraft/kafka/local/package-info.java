/**
 * LocalKafka: a real Apache Kafka cluster (KRaft, combined broker+controller nodes) started by the
 * project itself, for tests and as the demo's embedded default.
 *
 * <p>This package owns:
 *
 * <ul>
 *   <li>{@link dev.shardraft.kafka.local.LocalKafka}: starts 1 or 3 nodes as separate JVM processes
 *       on free loopback ports, each in its own temporary directory, waits until the cluster
 *       accepts transactional producers, and can kill, restart and remove them;
 *   <li>{@link dev.shardraft.kafka.local.BrokerClasspath}: resolves the broker's own classpath
 *       ({@code org.apache.kafka:kafka_2.13}, {@code kafka-tools}, a log4j2 SLF4J binding) with
 *       Maven Resolver into the local Maven repository. Broker jars are never put on the
 *       application's classpath;
 *   <li>{@link dev.shardraft.kafka.local.LocalKafkaExtension}: a JUnit 5 extension that gives a
 *       test class one cluster;
 *   <li>{@link dev.shardraft.kafka.local.Await}: polling with a deadline, instead of sleeping; the
 *       project's one polling helper (LocalKafka, the tests, the sample's group driver).
 * </ul>
 *
 * The package is the {@code local-kafka} module ({@code kafka-connector/local-kafka}), not part of
 * the kafka-connector jar: libraries take it with test scope only (the build enforces it), so no
 * application that embeds shardraft gets Maven Resolver or JUnit from it. Production points the
 * runtime at a real cluster's bootstrap servers.
 */
package dev.shardraft.kafka.local;
