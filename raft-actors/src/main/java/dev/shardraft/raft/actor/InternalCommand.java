package dev.shardraft.raft.actor;

/**
 * The replica's private messages ({@link RaftReplica}'s and {@link LogTail}'s): completions, timer
 * fires and tail elements. Package-private; they never leave the actor and are not serializable
 * ({@code NoSerializationVerificationNeeded}).
 */
non-sealed interface InternalCommand extends ReplicaProtocol.Command {}
