package dev.shardraft.raft.core;

import java.util.List;
import java.util.Objects;

/**
 * Static configuration of one replica of one Raft group. Immutable; part of {@link RaftState}.
 *
 * @param shard the group's shard key, e.g. {@code orders-0}
 * @param self this replica's id; must be one of {@code members}
 * @param members every voting replica of the group, including {@code self}, in a fixed order
 * @param electionTimeoutMinMs lower bound of the randomized election timeout; also the check-quorum
 *     window of a leader and the leader-lease window in which a follower refuses (pre-)votes
 * @param electionTimeoutMaxMs upper bound (inclusive) of the randomized election timeout
 * @param heartbeatIntervalMs how often a leader sends heartbeats; must be well below {@code
 *     electionTimeoutMinMs}
 * @param maxBatchSize at most this many commands go into one append
 * @param maxPendingCommands a leader holds at most this many commands that are not yet appended;
 *     beyond that new commands are refused with {@link CommandOutcome.Retry}
 * @param maxCommandBytes a command payload larger than this is rejected when submitted, before it
 *     reaches the log (it would fail its Kafka transaction and make the leader step down)
 * @param sessionExpiryPositions the client-session expiry window this replica writes into the
 *     barrier of each term it leads; every replica and the projection adopt the window of the
 *     newest barrier they apply, so it is replicated state, not a per-process setting
 * @param sessionMaxReplies the reply bound this replica, as leader, writes into each session
 *     registration it appends: that session keeps at most this many unacknowledged replies (the
 *     bound travels in the entry, so it is replicated state too)
 * @param quiesceAfterMs a ready leader whose group has been idle this long (nothing queued, in
 *     flight or pending, every peer caught up) quiesces: a last heartbeat round marked {@code
 *     quiesce}, then no heartbeats and no check-quorum until something wakes the group (see {@code
 *     Quiescence}); 0 disables quiescence
 */
public record RaftConfig(
    String shard,
    String self,
    List<String> members,
    long electionTimeoutMinMs,
    long electionTimeoutMaxMs,
    long heartbeatIntervalMs,
    int maxBatchSize,
    int maxPendingCommands,
    int maxCommandBytes,
    long sessionExpiryPositions,
    int sessionMaxReplies,
    long quiesceAfterMs) {

  /** Without quiescence. */
  public RaftConfig(
      String shard,
      String self,
      List<String> members,
      long electionTimeoutMinMs,
      long electionTimeoutMaxMs,
      long heartbeatIntervalMs,
      int maxBatchSize,
      int maxPendingCommands,
      int maxCommandBytes,
      long sessionExpiryPositions,
      int sessionMaxReplies) {
    this(
        shard,
        self,
        members,
        electionTimeoutMinMs,
        electionTimeoutMaxMs,
        heartbeatIntervalMs,
        maxBatchSize,
        maxPendingCommands,
        maxCommandBytes,
        sessionExpiryPositions,
        sessionMaxReplies,
        0);
  }

  /** The default reply bound of a registered session ({@code session-max-replies}): 1,024. */
  public static final int DEFAULT_SESSION_MAX_REPLIES = 1024;

  /** With the default reply bound. */
  public RaftConfig(
      String shard,
      String self,
      List<String> members,
      long electionTimeoutMinMs,
      long electionTimeoutMaxMs,
      long heartbeatIntervalMs,
      int maxBatchSize,
      int maxPendingCommands,
      int maxCommandBytes,
      long sessionExpiryPositions) {
    this(
        shard,
        self,
        members,
        electionTimeoutMinMs,
        electionTimeoutMaxMs,
        heartbeatIntervalMs,
        maxBatchSize,
        maxPendingCommands,
        maxCommandBytes,
        sessionExpiryPositions,
        DEFAULT_SESSION_MAX_REPLIES);
  }

  /** The default session expiry window of {@code shardraft.replica}: 1,000,000 log positions. */
  public static final long DEFAULT_SESSION_EXPIRY_POSITIONS = 1_000_000;

  /** With the default session expiry window. */
  public RaftConfig(
      String shard,
      String self,
      List<String> members,
      long electionTimeoutMinMs,
      long electionTimeoutMaxMs,
      long heartbeatIntervalMs,
      int maxBatchSize,
      int maxPendingCommands,
      int maxCommandBytes) {
    this(
        shard,
        self,
        members,
        electionTimeoutMinMs,
        electionTimeoutMaxMs,
        heartbeatIntervalMs,
        maxBatchSize,
        maxPendingCommands,
        maxCommandBytes,
        DEFAULT_SESSION_EXPIRY_POSITIONS);
  }

  public RaftConfig {
    Objects.requireNonNull(shard, "shard");
    Objects.requireNonNull(self, "self");
    members = List.copyOf(members);
    if (!members.contains(self)) {
      throw new IllegalArgumentException("members " + members + " must contain self " + self);
    }
    if (members.stream().distinct().count() != members.size()) {
      throw new IllegalArgumentException("members must be distinct: " + members);
    }
    if (heartbeatIntervalMs < 1 || electionTimeoutMinMs <= heartbeatIntervalMs) {
      throw new IllegalArgumentException(
          "need 1 <= heartbeatIntervalMs < electionTimeoutMinMs, was "
              + heartbeatIntervalMs
              + " and "
              + electionTimeoutMinMs);
    }
    if (electionTimeoutMaxMs < electionTimeoutMinMs) {
      throw new IllegalArgumentException("electionTimeoutMaxMs < electionTimeoutMinMs");
    }
    if (maxBatchSize < 1 || maxPendingCommands < 1 || maxCommandBytes < 1) {
      throw new IllegalArgumentException(
          "maxBatchSize, maxPendingCommands and maxCommandBytes must be >= 1");
    }
    if (sessionExpiryPositions < 1) {
      throw new IllegalArgumentException("sessionExpiryPositions must be >= 1");
    }
    if (sessionMaxReplies < 1) {
      throw new IllegalArgumentException("sessionMaxReplies must be >= 1");
    }
    if (quiesceAfterMs < 0) {
      throw new IllegalArgumentException("quiesceAfterMs must be >= 0 (0: off)");
    }
  }

  /**
   * The defaults of {@code shardraft.replica} in {@code reference.conf}: 150-300 ms election
   * timeout, 50 ms heartbeats, batches of 256, a queue of 10,000, commands up to 512 KiB, sessions
   * expiring after 1,000,000 idle log positions.
   */
  public static RaftConfig of(String shard, String self, List<String> members) {
    return new RaftConfig(shard, self, members, 150, 300, 50, 256, 10_000, 512 * 1024);
  }

  /** This configuration with another session expiry window. */
  public RaftConfig withSessionExpiryPositions(long positions) {
    return new RaftConfig(
        shard,
        self,
        members,
        electionTimeoutMinMs,
        electionTimeoutMaxMs,
        heartbeatIntervalMs,
        maxBatchSize,
        maxPendingCommands,
        maxCommandBytes,
        positions,
        sessionMaxReplies,
        quiesceAfterMs);
  }

  /** This configuration with another reply bound for the sessions registered at this leader. */
  public RaftConfig withSessionMaxReplies(int replies) {
    return new RaftConfig(
        shard,
        self,
        members,
        electionTimeoutMinMs,
        electionTimeoutMaxMs,
        heartbeatIntervalMs,
        maxBatchSize,
        maxPendingCommands,
        maxCommandBytes,
        sessionExpiryPositions,
        replies,
        quiesceAfterMs);
  }

  /** This configuration with another quiet period before an idle group quiesces (0: never). */
  public RaftConfig withQuiesceAfterMs(long ms) {
    return new RaftConfig(
        shard,
        self,
        members,
        electionTimeoutMinMs,
        electionTimeoutMaxMs,
        heartbeatIntervalMs,
        maxBatchSize,
        maxPendingCommands,
        maxCommandBytes,
        sessionExpiryPositions,
        sessionMaxReplies,
        ms);
  }

  /** Whether idle groups quiesce. */
  public boolean quiesces() {
    return quiesceAfterMs > 0;
  }

  /** The other members, in configuration order. */
  public List<String> peers() {
    return members.stream().filter(m -> !m.equals(self)).toList();
  }

  /** Votes (including one's own) needed to win: a strict majority of {@code members}. */
  public int quorum() {
    return members.size() / 2 + 1;
  }
}
