/**
 * The effect interpreter shared by every driver of the pure core: {@link
 * dev.shardraft.raft.driver.ReplicaDriver} feeds inputs to {@code RaftCore.step} and carries out
 * the effects of each transition in order against the storage ports ({@link
 * dev.shardraft.raft.driver.Storage}) and a {@link dev.shardraft.raft.driver.DriverHost} (network,
 * timers, asynchronous completions, logging).
 *
 * <p>The Pekko actor shell ({@code dev.shardraft.raft.actor.RaftReplica}) implements the host with
 * {@code pipeToSelf}, {@code TimerScheduler} and {@code Peers}; the seeded simulation ({@code
 * src/test/.../sim}) implements it with its discrete-event scheduler and simulated ports. So the
 * simulation checks the same code that runs effects in production: ordered term/vote saves ({@link
 * dev.shardraft.raft.driver.TermVoteSaves}), one writer per term ({@link
 * dev.shardraft.raft.driver.LogWriters}), appends, sends, answers, timers, snapshots and the log
 * cut ({@link dev.shardraft.raft.driver.SnapshotPolicy}, with the rule in {@code core.LogCut}), and
 * the reaction to a truncated tail ({@link dev.shardraft.raft.driver.TailRecovery}).
 *
 * <p>No Pekko, no Kafka, no clock, no threads: time comes from the host ({@code nowMs}), results
 * come back as {@link dev.shardraft.raft.driver.Completion}s stamped with the incarnation that
 * started them. Raft decisions stay in the core; this package only executes them.
 */
package dev.shardraft.raft.driver;
