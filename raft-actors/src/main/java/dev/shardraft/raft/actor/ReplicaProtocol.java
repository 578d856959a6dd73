package dev.shardraft.raft.actor;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.core.RetryReason;
import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.QueryableStateMachine;
import dev.shardraft.raft.serialization.CborSerializable;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The public protocol of a {@link RaftReplica}: one sealed {@link Command} interface with the
 * messages of peers, clients and operators, and their replies. Every record here is {@link
 * CborSerializable} (Jackson CBOR); {@link PeerMessage} names the core's {@link RaftMessage}
 * subtypes, so the core needs no Jackson annotation. The replica's private messages (timers,
 * storage results, tail elements) implement {@link InternalCommand} and never leave the actor.
 */
public final class ReplicaProtocol {
  private ReplicaProtocol() {}

  /** Everything a replica actor receives. */
  public sealed interface Command
      permits PeerMessage,
          Submit,
          Read,
          TransferLeadership,
          GetStatus,
          LeaderNodeSuspected,
          InternalCommand {}

  /**
   * A message from another replica of the group. The concrete {@link RaftMessage} record travels
   * with a type name (the core stays free of Jackson annotations).
   *
   * @param fromNode the sender's node (its actor system's address, {@code pekko://name@host:port}),
   *     set only on a heartbeat marked {@code quiesce}, else null: a follower that quiesces
   *     remembers where its leader lives, to wake when that node is suspected ({@link
   *     LeaderNodeSuspected})
   */
  public record PeerMessage(
      @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
          @JsonSubTypes({
            @JsonSubTypes.Type(value = RaftMessage.PreVoteRequest.class, name = "pre-vote"),
            @JsonSubTypes.Type(
                value = RaftMessage.PreVoteResponse.class,
                name = "pre-vote-response"),
            @JsonSubTypes.Type(value = RaftMessage.VoteRequest.class, name = "vote"),
            @JsonSubTypes.Type(value = RaftMessage.VoteResponse.class, name = "vote-response"),
            @JsonSubTypes.Type(value = RaftMessage.Heartbeat.class, name = "heartbeat"),
            @JsonSubTypes.Type(
                value = RaftMessage.HeartbeatResponse.class,
                name = "heartbeat-response"),
            @JsonSubTypes.Type(value = RaftMessage.TimeoutNow.class, name = "timeout-now")
          })
          RaftMessage message,
      String fromNode)
      implements Command, CborSerializable {
    public PeerMessage {
      Objects.requireNonNull(message, "message");
    }

    /** A message with no sender node. */
    public PeerMessage(RaftMessage message) {
      this(message, null);
    }
  }

  /**
   * A failure detector of the host (shard-runtime's per-node liveness) suspects the node {@code
   * node} (an actor system address, as in {@link PeerMessage#fromNode()}): every replica whose
   * quiesced leader lives there wakes and runs a normal election unless the leader speaks again.
   * Published on the actor system's event stream; a replica with quiescence on subscribes to it.
   * Never sent over the network.
   */
  public record LeaderNodeSuspected(String node)
      implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  /**
   * A client command, identified by {@code (clientId, sequence)} for exactly-once application.
   * Sequence 0 registers a session (thesis §6.3): the {@link Applied} reply holds the new session's
   * id and reply bound ({@code SessionRegistration.decodeReply}). Commands of a registered session
   * carry {@code lowestUnacked}, the lowest sequence whose answer the client has not seen, and may
   * be many in flight; {@code lowestUnacked} 0 is the legacy protocol (sequence 1 opens a session,
   * one command at a time). Answered once with a {@link SubmitReply}: {@link Applied}, {@link
   * Failed}, {@link Rejected}, {@link SessionExpired} or {@link Retry}.
   */
  public record Submit(
      String clientId,
      long sequence,
      Bytes payload,
      long lowestUnacked,
      ActorRef<SubmitReply> replyTo)
      implements Command, CborSerializable {
    @com.fasterxml.jackson.annotation.JsonCreator
    public Submit {}

    /** A command of the legacy protocol ({@code lowestUnacked} 0: one command per session). */
    public Submit(String clientId, long sequence, Bytes payload, ActorRef<SubmitReply> replyTo) {
      this(clientId, sequence, payload, 0, replyTo);
    }

    /**
     * A session registration of client {@code clientName} (sequence 0); see {@code
     * SessionRegistration}.
     */
    public static Submit registration(String clientName, ActorRef<SubmitReply> replyTo) {
      return new Submit(clientName, 0, Bytes.EMPTY, 0, replyTo);
    }
  }

  /** The answer to a {@link Submit}. */
  public sealed interface SubmitReply extends CborSerializable {}

  /**
   * The command is applied. {@code duplicate}: it had been applied before and this answer comes
   * from the client's session (it was not applied again).
   */
  public record Applied(long index, Bytes reply, boolean duplicate) implements SubmitReply {}

  /** Definitively refused; retrying the same {@code (clientId, sequence)} cannot succeed. */
  public record Rejected(String reason) implements SubmitReply {}

  /**
   * The command was committed at {@code index} and applying it threw (a poison command): that is
   * its result on every replica, and a retry gets it again ({@code duplicate}) without applying.
   */
  public record Failed(long index, String reason, boolean duplicate) implements SubmitReply {}

  /**
   * The client's session is unknown to the group (expired, or never opened): not applied now, and
   * the outcome of earlier attempts is unknown. Start a new session (a new client id).
   */
  public record SessionExpired(String reason) implements SubmitReply {}

  /**
   * Not done here, now: retry with the same {@code (clientId, sequence)} (or read), at {@code
   * leaderHint} if present. {@code reason} says why (decide by it); {@code detail} is for people.
   */
  public record Retry(Optional<String> leaderHint, RetryReason reason, String detail)
      implements SubmitReply, ReadReply {}

  /**
   * A read of the applied state; {@code query} is passed to {@link QueryableStateMachine#query}.
   */
  public record Read(ReadMode mode, Bytes query, ActorRef<ReadReply> replyTo)
      implements Command, CborSerializable {}

  /** The answer to a {@link Read}: {@link ReadResult}, {@link ReadFailed} or {@link Retry}. */
  public sealed interface ReadReply extends CborSerializable {}

  /** The query's answer from a state that reflects the log at least up to {@code index}. */
  public record ReadResult(long index, ReadMode mode, Bytes result) implements ReadReply {}

  /** The state machine could not answer the query. */
  public record ReadFailed(String reason) implements ReadReply {}

  /** Ask this replica, if leader, to hand leadership to {@code target}. */
  public record TransferLeadership(String target, ActorRef<TransferReply> replyTo)
      implements Command, CborSerializable {}

  /** The answer to a {@link TransferLeadership}. */
  public sealed interface TransferReply extends CborSerializable {}

  /** The transfer started; {@code target} campaigns once it has caught up. */
  public record TransferStarted(String target) implements TransferReply {}

  /** The transfer was not started (not leader, unknown target). */
  public record TransferRefused(String target, String reason) implements TransferReply {}

  /** Asks for the replica's {@link Status} (operators, tests). */
  public record GetStatus(ActorRef<Status> replyTo) implements Command, CborSerializable {}

  /**
   * What a replica reports about itself.
   *
   * @param role what the replica does now
   * @param leaderReady a leader that has applied its own barrier (takes commands and reads)
   * @param skippedStaleTerm log positions skipped because their term was stale
   * @param skippedUndecodable log positions skipped because they did not decode
   * @param duplicates retried commands answered from a session
   * @param quiesced the group is quiesced at this replica: a leader that stopped its heartbeats, or
   *     a follower that stopped its election timer
   */
  public record Status(
      String replica,
      ReplicaRole role,
      long term,
      Optional<String> votedFor,
      Optional<String> leader,
      boolean leaderReady,
      long appliedIndex,
      long logTerm,
      long skippedStaleTerm,
      long skippedUndecodable,
      long duplicates,
      boolean quiesced)
      implements CborSerializable {

    /** A leader that has applied its barrier: it takes commands and linearizable reads. */
    public boolean isReadyLeader() {
      return role == ReplicaRole.LEADER && leaderReady;
    }
  }
}
