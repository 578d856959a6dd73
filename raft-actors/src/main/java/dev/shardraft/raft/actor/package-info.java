/**
 * The replica of a Raft group as a Pekko typed actor: a small shell around the pure core ({@code
 * dev.shardraft.raft.core}) and the effect interpreter ({@code dev.shardraft.raft.driver}).
 *
 * <p>{@link dev.shardraft.raft.actor.RaftReplica} is the replica's lifecycle, one behavior per
 * state: {@code starting} (load term/vote and the newest snapshot, stash the rest), {@code running}
 * (every message is one call into the {@code ReplicaDriver}), {@code stalled} (the newest snapshot
 * loaded ends below the log start: no tail, reload after a back-off). The core's roles (follower,
 * candidate, leader) are data in the core's state, not behaviors. The public protocol (one sealed
 * {@code Command} interface with Jackson-CBOR-bound records for peers, clients and operators) is
 * {@link dev.shardraft.raft.actor.ReplicaProtocol}; the actor's own messages implement the
 * package-private {@code InternalCommand}. {@code ActorHost} gives the driver its world ({@code
 * pipeToSelf}, keyed {@code TimerScheduler} timers, {@link dev.shardraft.raft.actor.Peers}); {@code
 * LogTail} runs the log tail into the actor with {@code ActorSink.actorRefWithBackpressure}, one
 * element acknowledged after it is applied, and asks {@code TailRecovery} what to do when the log
 * was cut above it.
 *
 * <p>Nothing durable lives in the actor: a supervisor restart or a stop/start reloads term and vote
 * from the {@code RaftMetaStore} and rebuilds the state from the newest snapshot plus the log. See
 * {@code docs/RAFT-ACTORS.md}.
 */
package dev.shardraft.raft.actor;
