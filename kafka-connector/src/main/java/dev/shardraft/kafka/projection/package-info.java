/**
 * The exactly-once event projection: {@link dev.shardraft.kafka.projection.EventProjection} turns a
 * shard's committed log into domain events on an events topic with Pekko Connectors' {@code
 * Transactional.source} and {@code Transactional.sink}, applying entries through the raft core's
 * applier (same skip rule and sessions as the replicas), and rebuilds its state from a snapshot
 * and/or the log up to its committed offset on every start ({@link
 * dev.shardraft.kafka.projection.ProjectionStart}).
 */
package dev.shardraft.kafka.projection;
