package dev.shardraft.raft.core;

/**
 * The messages replicas of one group exchange. There is no AppendEntries: the log is shared
 * (Kafka), so heartbeats only carry the leader's term, commit index and a round number, and
 * followers answer with their applied index.
 *
 * <p>Every message carries the sender's {@code term} and id ({@code from}). The receiver checks the
 * term once, before its role sees the message (see {@link RaftCore}). All fields are plain values
 * so that the actor shell can bind the records to Jackson CBOR directly or wrap them.
 */
public sealed interface RaftMessage {

  /** The sender's current term (for a pre-vote request: the term it would campaign in). */
  long term();

  /** The sender's replica id. */
  String from();

  /**
   * Pre-vote (Raft thesis §9.6): "would you vote for me in {@code term}?" Sent by a {@link
   * Role.PreCandidate} without changing its own term or persisting anything.
   *
   * @param term the candidate's current term + 1
   * @param lastLogTerm the highest term of any entry the candidate has applied
   * @param lastLogIndex the index of the last log position the candidate has applied
   */
  record PreVoteRequest(long term, String from, long lastLogTerm, long lastLogIndex)
      implements RaftMessage {}

  /**
   * @param term the voter's current term
   */
  record PreVoteResponse(long term, String from, boolean granted) implements RaftMessage {}

  /**
   * RequestVote (§5.2). Sent only after the candidate's new term and self-vote are durable.
   *
   * @param transfer true when the election was started by {@link TimeoutNow} (leadership transfer):
   *     voters then disregard their leader lease
   */
  record VoteRequest(long term, String from, long lastLogTerm, long lastLogIndex, boolean transfer)
      implements RaftMessage {}

  /** Sent with {@code granted} only after the voter's vote is durable. */
  record VoteResponse(long term, String from, boolean granted) implements RaftMessage {}

  /**
   * The leader's heartbeat.
   *
   * @param commitIndex the highest index of the leader's completed appends (-1 if none)
   * @param round a per-leader counter; read-index confirmation waits for a majority of responses to
   *     a round started after the read arrived
   * @param quiesce the leader's group is idle and the leader stops heartbeats once every peer
   *     acknowledged this round: the receiver stops its election timer and relies on a failure
   *     detector outside the group ({@link RaftInput.LeaderSuspected}) until something wakes it
   */
  record Heartbeat(long term, String from, long commitIndex, long round, boolean quiesce)
      implements RaftMessage {
    /** An ordinary heartbeat (not quiescing). */
    public Heartbeat(long term, String from, long commitIndex, long round) {
      this(term, from, commitIndex, round, false);
    }
  }

  /**
   * @param success false when the responder's term is higher than the heartbeat's (the leader then
   *     steps down through the term check)
   * @param appliedIndex the responder's last applied log position
   */
  record HeartbeatResponse(long term, String from, boolean success, long appliedIndex, long round)
      implements RaftMessage {}

  /**
   * Leadership transfer: the leader tells the target, which has applied up to the leader's commit
   * index, to start an election at once (skipping pre-vote).
   */
  record TimeoutNow(long term, String from) implements RaftMessage {}
}
