package dev.shardraft.raft.sim;

import dev.shardraft.raft.port.QueryableStateMachine;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The simulation's user state machine: a running total. A command adds a value; the reply is the
 * new total and the number of commands applied so far. Deterministic, with snapshot/restore.
 */
final class SimStateMachine implements QueryableStateMachine<Long, long[]> {
  private long total;
  private long count;

  @Override
  public Result<long[]> apply(long index, Long command) {
    total += command;
    count++;
    return new Result<>(new long[] {total, count}, List.of());
  }

  /** Any query: the number of commands applied, 8 bytes. */
  @Override
  public byte[] query(byte[] query) {
    return ByteBuffer.allocate(8).putLong(count).array();
  }

  long count() {
    return count;
  }

  long total() {
    return total;
  }

  @Override
  public byte[] snapshot() {
    return ByteBuffer.allocate(16).putLong(total).putLong(count).array();
  }

  @Override
  public void restore(byte[] snapshot) {
    if (snapshot.length != 16) {
      throw new IllegalArgumentException("snapshot must be 16 bytes, was " + snapshot.length);
    }
    ByteBuffer b = ByteBuffer.wrap(snapshot);
    total = b.getLong();
    count = b.getLong();
  }

  static final Codec<Long> COMMANDS =
      new Codec<>() {
        @Override
        public byte[] encode(Long value) {
          return ByteBuffer.allocate(8).putLong(value).array();
        }

        @Override
        public Long decode(byte[] bytes) {
          if (bytes.length != 8) {
            throw new IllegalArgumentException("command must be 8 bytes, was " + bytes.length);
          }
          return ByteBuffer.wrap(bytes).getLong();
        }
      };

  static final Codec<long[]> REPLIES =
      new Codec<>() {
        @Override
        public byte[] encode(long[] value) {
          return ByteBuffer.allocate(16).putLong(value[0]).putLong(value[1]).array();
        }

        @Override
        public long[] decode(byte[] bytes) {
          if (bytes.length != 16) {
            throw new IllegalArgumentException("reply must be 16 bytes, was " + bytes.length);
          }
          ByteBuffer b = ByteBuffer.wrap(bytes);
          return new long[] {b.getLong(), b.getLong()};
        }
      };

  @Override
  public Codec<Long> commandCodec() {
    return COMMANDS;
  }

  @Override
  public Codec<long[]> replyCodec() {
    return REPLIES;
  }
}
