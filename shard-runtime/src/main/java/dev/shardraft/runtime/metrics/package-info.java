/**
 * The runtime's metrics, through Micrometer: {@link dev.shardraft.runtime.metrics.ReplicaMeters}
 * (one per running replica: role, term, commit and applied index, apply lag, leader elections,
 * batch sizes, commit latency, skipped records) and {@link
 * dev.shardraft.runtime.metrics.ClientMeters} (outcomes, latency and retries of asks and reads).
 * The service passes its {@code MeterRegistry} to {@code ShardedRaft.init}; names and tags are
 * listed in docs/METRICS.md.
 */
package dev.shardraft.runtime.metrics;
