/**
 * The pure Raft core of a replica: {@code RaftCore.step(state, input) -> Transition(next,
 * effects)}. No Pekko, no Kafka, no clock, no threads (an ArchUnit test enforces the imports).
 *
 * <p>Shape (after etcd's {@code Step}/{@code Ready} and Kafka's {@code QuorumState}):
 *
 * <ul>
 *   <li>{@link dev.shardraft.raft.core.RaftState} is an immutable value; its {@link
 *       dev.shardraft.raft.core.Role} is a sealed type: Follower, PreCandidate, Candidate, Leader.
 *   <li>{@link dev.shardraft.raft.core.RaftInput}s carry {@code nowMs}; randomness is a SplitMix64
 *       state inside {@code RaftState}, seeded at {@link dev.shardraft.raft.core.RaftCore#init}.
 *   <li>Every message passes one term check ({@code TermGate}) before role dispatch; every role
 *       change passes {@link dev.shardraft.raft.core.RoleTransitions}, whose Javadoc is the
 *       transition table.
 *   <li>{@link dev.shardraft.raft.core.Effect}s are ordered: persistence, log operations, sends,
 *       client answers, timers; no send leaves before term and vote are durable (held in {@code
 *       RaftState.outbox()} until {@code TermVotePersisted}).
 * </ul>
 *
 * <p>How Raft maps onto a shared Kafka log: there is no AppendEntries; every replica tails the
 * committed log and applies it (subpackage {@code apply}), reporting each position back as {@link
 * dev.shardraft.raft.core.RaftInput.Applied}. Raft decides who may write: a new leader opens
 * (fences) the writer, appends a barrier, and takes commands once it has applied its own barrier.
 * Clients are answered only when their command is applied from the leader's own tail. See {@code
 * docs/RAFT-CORE.md}.
 */
package dev.shardraft.raft.core;
