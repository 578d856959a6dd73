/**
 * Benchmarks of shard-runtime, run by hand (docs/BENCHMARKS.md): {@link
 * dev.shardraft.runtime.bench.IdleCostBenchmark} starts LocalKafka and three {@link
 * dev.shardraft.runtime.bench.IdleNode} JVMs hosting N idle groups x 3 replicas and prints their
 * CPU, threads, heap and Kafka clients.
 */
package dev.shardraft.runtime.bench;
