/**
 * Benchmarks run by hand (never as timed tests): {@link dev.shardraft.kafka.bench.CommitBenchmark}
 * measures one group's commit latency and committed entries per second with group commit, on a 1-
 * and a 3-node LocalKafka or a given cluster. docs/BENCHMARKS.md has the command and figures.
 */
package dev.shardraft.kafka.bench;
