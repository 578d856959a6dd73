/**
 * The replica of a Raft group as a Pekko typed actor: a thin shell that runs the pure core ({@code
 * dev.shardraft.raft.core}) and carries out its effects against the storage ports.
 *
 * <p>{@link dev.shardraft.raft.actor.RaftReplica} holds the protocol (one sealed {@code Command}
 * interface: public, Jackson-CBOR-bound records for peers, clients and operators; private records
 * for timers, storage results and log tail elements) and the behaviors: {@code starting} (load
 * term/vote and the newest snapshot, stash the rest), then {@code follower}, {@code candidate} or
 * {@code leader}, whichever the core's role is after each step. A message becomes a {@code
 * RaftInput}; the {@code Effect}s of the transition are executed in list order: term/vote saves one
 * at a time ({@link dev.shardraft.raft.actor.TermVoteSaves}), one log writer per term ({@link
 * dev.shardraft.raft.actor.LogWriters}), sends through {@link dev.shardraft.raft.actor.Peers},
 * answers to the waiting request by id ({@link dev.shardraft.raft.actor.PendingRequests}), keyed
 * single timers. Asynchronous results come back through {@code pipeToSelf}; the log tail is a Pekko
 * Streams source run into the actor with {@code ActorSink.actorRefWithBackpressure}, one element
 * acknowledged after it is applied.
 *
 * <p>Nothing durable lives in the actor: a supervisor restart or a stop/start reloads term and vote
 * from the {@code RaftMetaStore} and rebuilds the state from the newest snapshot plus the log. See
 * {@code docs/RAFT-ACTORS.md}.
 */
package dev.shardraft.raft.actor;
