/**
 * The one-command demo (docs/DEMO.md): one JVM, the configured Kafka or a one-node {@code
 * LocalKafka}, one Raft group of three real replica actors on {@code raft-log-orders-0} running the
 * order book, a stream of commands from retrying clients, the leader stopped midway (its producer
 * kept alive and shown fenced), a new leader, the stream going on, the old leader restarted, and a
 * closing line computed from the replicas' own states; the group's events are projected exactly
 * once into {@code orders-events}.
 *
 * <p>{@link dev.shardraft.sample.demo.Demo} is the main class (it picks the Kafka, see {@link
 * dev.shardraft.sample.demo.BootstrapServers}), {@link dev.shardraft.sample.demo.RaftGroupRun} the
 * scenario, {@link dev.shardraft.sample.demo.ReplicaVerdict} the check of the replicas' states and
 * {@link dev.shardraft.sample.demo.RaftGroupReport} the closing lines.
 */
package dev.shardraft.sample.demo;
