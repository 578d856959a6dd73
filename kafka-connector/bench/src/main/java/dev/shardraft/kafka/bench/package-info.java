/**
 * Benchmarks run by hand (never as timed tests), in their own module so that no library jar carries
 * them: {@link dev.shardraft.kafka.bench.CommitBenchmark} measures one group's commit latency and
 * committed entries per second, with the writer fed as the leader's Raft core feeds it ({@link
 * dev.shardraft.kafka.bench.CoreBatching}), on a 1- and a 3-node LocalKafka or a given cluster.
 * docs/BENCHMARKS.md has the command and figures.
 */
package dev.shardraft.kafka.bench;
