/**
 * The one-command demo. For now it shows the Kafka ground shardraft stands on: it connects
 * to the configured Kafka (or starts a one-node {@code LocalKafka} when none is configured),
 * writes order commands in a fenced Kafka transaction (and aborts another), reads the committed
 * ones back with {@code read_committed} through Pekko Connectors Kafka, projects them exactly
 * once into an events topic with {@code Transactional.source}/{@code Transactional.sink}, and
 * prints what it did. Later issues grow it into the order-processing cluster.
 *
 * <p>{@link dev.shardraft.sample.demo.Demo} is the main class,
 * {@link dev.shardraft.sample.demo.DemoRun} the part that runs against any cluster, and
 * {@link dev.shardraft.sample.demo.BootstrapServers} reads where Kafka is.
 */
package dev.shardraft.sample.demo;
