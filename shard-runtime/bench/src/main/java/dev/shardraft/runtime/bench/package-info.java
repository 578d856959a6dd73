/**
 * Benchmarks of shard-runtime, run by hand (docs/BENCHMARKS.md): {@link
 * dev.shardraft.runtime.bench.BenchmarkSuite} runs the whole suite in one go (raw Kafka baseline,
 * end-to-end closed, pipelined and open-loop load, failover by SIGKILL, idle cost) against its own
 * LocalKafka and three {@link dev.shardraft.runtime.bench.IdleNode} JVMs, and {@link
 * dev.shardraft.runtime.bench.IdleCostBenchmark} measures the idle cost alone. Every figure is a
 * {@code RESULT} line.
 */
package dev.shardraft.runtime.bench;
