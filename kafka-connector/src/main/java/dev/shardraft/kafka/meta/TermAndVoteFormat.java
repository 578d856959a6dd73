package dev.shardraft.kafka.meta;

import dev.shardraft.raft.port.TermAndVote;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The value of a {@code raft-meta} record, a small explicit binary format: {@code [version=1][term:
 * 8 bytes big-endian][hasVote: 0|1][votedFor: UTF-8, rest of value]}.
 */
final class TermAndVoteFormat {

  private static final byte VERSION = 1;

  private TermAndVoteFormat() {}

  static byte[] encode(TermAndVote value) {
    byte[] vote = value.votedFor().map(v -> v.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    return ByteBuffer.allocate(10 + vote.length)
        .put(VERSION)
        .putLong(value.term())
        .put((byte) (value.votedFor().isPresent() ? 1 : 0))
        .put(vote)
        .array();
  }

  /**
   * @throws IllegalArgumentException for anything this format did not write
   */
  static TermAndVote decode(byte[] bytes) {
    if (bytes == null
        || bytes.length < 10
        || bytes[0] != VERSION
        || (bytes[9] != 0 && bytes[9] != 1)) {
      throw new IllegalArgumentException(
          "not a version-1 raft-meta value ("
              + (bytes == null ? "null" : bytes.length + " bytes")
              + ")");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    buffer.get();
    long term = buffer.getLong();
    boolean hasVote = buffer.get() == 1;
    String vote = new String(bytes, 10, bytes.length - 10, StandardCharsets.UTF_8);
    if (!hasVote && !vote.isEmpty()) {
      throw new IllegalArgumentException("raft-meta value without a vote has trailing bytes");
    }
    return new TermAndVote(term, hasVote ? Optional.of(vote) : Optional.empty());
  }
}
