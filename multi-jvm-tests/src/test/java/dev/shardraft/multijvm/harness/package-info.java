/**
 * The fault harness: {@link dev.shardraft.multijvm.harness.FaultCluster} (node JVMs on a shared
 * LocalKafka, SIGKILL/SIGSTOP/SIGCONT, {@link dev.shardraft.multijvm.harness.Iptables} partitions),
 * {@link dev.shardraft.multijvm.harness.Workload} (concurrent recorded clients) and {@link
 * dev.shardraft.multijvm.harness.FaultRun} (one test: start, load, fault, checks).
 */
package dev.shardraft.multijvm.harness;
