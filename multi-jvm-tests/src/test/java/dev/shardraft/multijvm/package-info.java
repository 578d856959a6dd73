/**
 * Tests that start real node JVMs (and, in later tests, real brokers), wire them into a Pekko
 * Cluster over Artery on loopback, inject faults and check what the nodes report. {@link
 * dev.shardraft.multijvm.NodeProcess} owns the child processes and never leaves one behind.
 */
package dev.shardraft.multijvm;
