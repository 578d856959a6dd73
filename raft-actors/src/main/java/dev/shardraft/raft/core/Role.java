package dev.shardraft.raft.core;

import dev.shardraft.raft.port.Bytes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The role of a replica in its current term, with the data only that role has. Which role may
 * follow which is fixed by {@link RoleTransitions}.
 */
public sealed interface Role {

  /** The known leader of the current term, if any (a leader names itself). */
  Optional<String> leaderHint();

  /** A short name for logs and metrics. */
  default String name() {
    return getClass().getSimpleName();
  }

  /** Clock value meaning "never". */
  long NEVER = Long.MIN_VALUE / 4;

  /**
   * @param leaderId the leader of the current term, once heard from
   * @param lastLeaderContactMs when that leader was last heard from ({@link #NEVER} if not): within
   *     an election timeout of it the follower is in the leader's lease and refuses (pre-)votes
   * @param quiesced the leader quiesced the group: no election timer runs, and the follower stays
   *     in the leader's lease until it is woken (see {@code Quiescence})
   */
  record Follower(Optional<String> leaderId, long lastLeaderContactMs, boolean quiesced)
      implements Role {
    /** A follower that is not quiesced. */
    public Follower(Optional<String> leaderId, long lastLeaderContactMs) {
      this(leaderId, lastLeaderContactMs, false);
    }

    public static Follower leaderless() {
      return new Follower(Optional.empty(), NEVER);
    }

    @Override
    public Optional<String> leaderHint() {
      return leaderId;
    }
  }

  /**
   * Pre-vote phase (thesis §9.6): asks whether it could win in term + 1 without changing its term.
   *
   * @param granted replicas that granted the pre-vote, self included
   */
  record PreCandidate(Set<String> granted) implements Role {
    public PreCandidate {
      granted = Set.copyOf(granted);
    }

    @Override
    public Optional<String> leaderHint() {
      return Optional.empty();
    }
  }

  /**
   * Campaigning in the current term (§5.2). Its own vote counts only once durable.
   *
   * @param granted peers that granted their vote (self not included)
   * @param transfer started by {@link RaftMessage.TimeoutNow}
   */
  record Candidate(Set<String> granted, boolean transfer) implements Role {
    public Candidate {
      granted = Set.copyOf(granted);
    }

    @Override
    public Optional<String> leaderHint() {
      return Optional.empty();
    }
  }

  /**
   * Leader of the current term.
   *
   * @param selfId this replica (for {@link #leaderHint()})
   * @param writerOpen the writer of this term is open (older writers fenced)
   * @param barrierIndex the index of this term's barrier once its append completed, else -1
   * @param ready this term's barrier has been applied from the tail: every entry committed before
   *     the term is applied, commands are appended and reads served
   * @param commitIndex highest index of this leader's completed appends, -1 before the first
   * @param inFlight the one batch being appended, if any
   * @param queue accepted commands not yet appended (the next batch)
   * @param awaiting appended commands (index known) waiting to be read back and applied
   * @param peers what the leader knows about each peer
   * @param round the last heartbeat round started
   * @param reads linearizable reads not yet served
   * @param transfer a leadership transfer in progress
   * @param sinceMs when this replica became leader
   */
  record Leader(
      String selfId,
      boolean writerOpen,
      long barrierIndex,
      boolean ready,
      long commitIndex,
      Optional<Batch> inFlight,
      List<PendingCommand> queue,
      List<PendingCommand> awaiting,
      Map<String, PeerProgress> peers,
      long round,
      List<PendingRead> reads,
      Optional<Transfer> transfer,
      long sinceMs)
      implements Role {

    public Leader {
      // Persistent queues: appending or dropping from the front does not copy the whole list.
      queue = CommandQueue.of(queue);
      awaiting = CommandQueue.of(awaiting);
      peers = Map.copyOf(peers);
      reads = List.copyOf(reads);
    }

    @Override
    public Optional<String> leaderHint() {
      return Optional.of(selfId);
    }

    Leader withWriterOpen() {
      return new Leader(
          selfId,
          true,
          barrierIndex,
          ready,
          commitIndex,
          inFlight,
          queue,
          awaiting,
          peers,
          round,
          reads,
          transfer,
          sinceMs);
    }

    Leader withReady() {
      return new Leader(
          selfId,
          writerOpen,
          barrierIndex,
          true,
          commitIndex,
          inFlight,
          queue,
          awaiting,
          peers,
          round,
          reads,
          transfer,
          sinceMs);
    }

    Leader withBarrierIndex(long b) {
      return new Leader(
          selfId,
          writerOpen,
          b,
          ready,
          commitIndex,
          inFlight,
          queue,
          awaiting,
          peers,
          round,
          reads,
          transfer,
          sinceMs);
    }

    Leader withCommitIndex(long c) {
      return new Leader(
          selfId,
          writerOpen,
          barrierIndex,
          ready,
          c,
          inFlight,
          queue,
          awaiting,
          peers,
          round,
          reads,
          transfer,
          sinceMs);
    }

    Leader withInFlight(Optional<Batch> b) {
      return new Leader(
          selfId,
          writerOpen,
          barrierIndex,
          ready,
          commitIndex,
          b,
          queue,
          awaiting,
          peers,
          round,
          reads,
          transfer,
          sinceMs);
    }

    Leader withQueue(List<PendingCommand> q) {
      return new Leader(
          selfId,
          writerOpen,
          barrierIndex,
          ready,
          commitIndex,
          inFlight,
          q,
          awaiting,
          peers,
          round,
          reads,
          transfer,
          sinceMs);
    }

    Leader withAwaiting(List<PendingCommand> a) {
      return new Leader(
          selfId,
          writerOpen,
          barrierIndex,
          ready,
          commitIndex,
          inFlight,
          queue,
          a,
          peers,
          round,
          reads,
          transfer,
          sinceMs);
    }

    Leader withPeers(Map<String, PeerProgress> p) {
      return new Leader(
          selfId,
          writerOpen,
          barrierIndex,
          ready,
          commitIndex,
          inFlight,
          queue,
          awaiting,
          p,
          round,
          reads,
          transfer,
          sinceMs);
    }

    Leader withRound(long r) {
      return new Leader(
          selfId,
          writerOpen,
          barrierIndex,
          ready,
          commitIndex,
          inFlight,
          queue,
          awaiting,
          peers,
          r,
          reads,
          transfer,
          sinceMs);
    }

    Leader withReads(List<PendingRead> r) {
      return new Leader(
          selfId,
          writerOpen,
          barrierIndex,
          ready,
          commitIndex,
          inFlight,
          queue,
          awaiting,
          peers,
          round,
          r,
          transfer,
          sinceMs);
    }

    Leader withTransfer(Optional<Transfer> t) {
      return new Leader(
          selfId,
          writerOpen,
          barrierIndex,
          ready,
          commitIndex,
          inFlight,
          queue,
          awaiting,
          peers,
          round,
          reads,
          t,
          sinceMs);
    }

    /** A client command held by the leader. {@code index} is -1 until its append completed. */
    public record PendingCommand(
        long requestId,
        String clientId,
        long sequence,
        Bytes payload,
        long lowestUnacked,
        long index) {
      PendingCommand withIndex(long i) {
        return new PendingCommand(requestId, clientId, sequence, payload, lowestUnacked, i);
      }

      boolean sameCommand(String c, long s) {
        return sequence == s && clientId.equals(c);
      }
    }

    /**
     * The batch in flight: this term's barrier, or commands (in entry order).
     *
     * @param answered request ids of commands already answered while the append was in flight (the
     *     tail can deliver an entry before the append's completion is reported)
     */
    public record Batch(boolean barrier, List<PendingCommand> commands, Set<Long> answered) {
      public Batch {
        commands = List.copyOf(commands);
        answered = Set.copyOf(answered);
      }

      /** Commands not yet answered. */
      public List<PendingCommand> unanswered() {
        return commands.stream().filter(c -> !answered.contains(c.requestId())).toList();
      }
    }

    /**
     * @param lastAckMs last successful heartbeat response in this term (initially the election)
     * @param appliedIndex the peer's applied index from its response to the newest round (-1
     *     unknown); it can go down when the peer restarted from an older snapshot
     * @param ackedRound the highest heartbeat round it acknowledged
     */
    public record PeerProgress(long lastAckMs, long appliedIndex, long ackedRound) {}

    /** A linearizable read waiting for its heartbeat round and for applied >= readIndex. */
    public record PendingRead(long requestId, long readIndex, long round, boolean confirmed) {}

    /** A leadership transfer in progress; abandoned at {@code deadlineMs}. */
    public record Transfer(String target, long deadlineMs, boolean timeoutNowSent) {}
  }
}
