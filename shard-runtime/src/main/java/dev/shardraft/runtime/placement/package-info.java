/**
 * Where replicas run. Every replica of every group is one Cluster Sharding entity in a shard of its
 * own ({@code orders-7/r2}), so the shard allocation strategy places replicas one by one. {@link
 * dev.shardraft.runtime.placement.ReplicaPlacement} holds the rules as pure functions (distinct
 * nodes per group while there are enough nodes, even spread, at most one replica of a group moved
 * at a time); {@link dev.shardraft.runtime.placement.AntiAffinityAllocationStrategy} applies them
 * to the shard coordinator's view.
 */
package dev.shardraft.runtime.placement;
