/**
 * Fault tests of the default build (each fault alone, short) and the randomized long run behind
 * {@code -Pchaos}. Histories go to {@code target/histories/}, node logs to {@code
 * target/node-logs/}.
 */
package dev.shardraft.multijvm.faults;
