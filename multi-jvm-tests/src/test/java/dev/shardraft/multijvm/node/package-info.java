/**
 * The node JVM of the fault tests: {@link dev.shardraft.multijvm.node.FaultNode} (a cluster member
 * hosting {@link dev.shardraft.multijvm.node.KvMachine} groups on {@code ShardedRaft}, with an HTTP
 * endpoint for the harness's clients, and the planted bugs behind {@code faultnode.plant}).
 */
package dev.shardraft.multijvm.node;
