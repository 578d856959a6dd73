/**
 * Checkers of recorded histories: {@link dev.shardraft.multijvm.check.LinearizabilityChecker}
 * (Wing-Gong/Lowe search per key with Porcupine's memo, over {@link
 * dev.shardraft.multijvm.check.RegisterModel} and {@link
 * dev.shardraft.multijvm.check.ListAppendModel}) and {@link
 * dev.shardraft.multijvm.check.HistoryChecks} (lost writes, double appends, replicas' applied
 * sequences). Pure: no process, no clock.
 */
package dev.shardraft.multijvm.check;
