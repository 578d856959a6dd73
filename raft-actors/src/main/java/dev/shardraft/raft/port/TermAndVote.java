package dev.shardraft.raft.port;

import java.util.Optional;

/**
 * The durable part of a replica's Raft state: its current term and whom it voted for in that term
 * (empty if nobody).
 */
public record TermAndVote(long term, Optional<String> votedFor) {

  public static final TermAndVote INITIAL = new TermAndVote(0, Optional.empty());

  public TermAndVote {
    if (term < 0) {
      throw new IllegalArgumentException("term must be >= 0, was " + term);
    }
    java.util.Objects.requireNonNull(votedFor, "votedFor");
  }
}
