package dev.shardraft.raft.sim;

import dev.shardraft.raft.port.QueryableStateMachine;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The simulation's user state machine: a running total and one register per client. A command
 * ({@link #command}: client number and sequence) adds its value to the total and sets its client's
 * register to its sequence; the reply is the new total and the number of commands applied so far. A
 * query returns what a linearizable read is checked by: the count and every client's register.
 * Deterministic, with snapshot/restore.
 */
final class SimStateMachine implements QueryableStateMachine<Long, long[]> {
  static final int CLIENTS = 8;
  private static final long SEQ_SPAN = 1_000_000_000L;

  private long total;
  private long count;
  private final long[] lastSequence = new long[CLIENTS];

  /** The command of client {@code c<clientNo>}'s sequence {@code seq}. */
  static long command(int clientNo, long seq) {
    return clientNo * SEQ_SPAN + seq;
  }

  @Override
  public Result<long[]> apply(long index, Long command) {
    total += command;
    count++;
    lastSequence[(int) (command / SEQ_SPAN)] = command % SEQ_SPAN;
    return new Result<>(new long[] {total, count}, List.of());
  }

  /** Any query: the number of commands applied, then every client's last applied sequence. */
  @Override
  public byte[] query(byte[] query) {
    ByteBuffer b = ByteBuffer.allocate(8 * (1 + CLIENTS)).putLong(count);
    for (long s : lastSequence) {
      b.putLong(s);
    }
    return b.array();
  }

  long count() {
    return count;
  }

  long total() {
    return total;
  }

  @Override
  public byte[] snapshot() {
    ByteBuffer b = ByteBuffer.allocate(8 * (2 + CLIENTS)).putLong(total).putLong(count);
    for (long s : lastSequence) {
      b.putLong(s);
    }
    return b.array();
  }

  @Override
  public void restore(byte[] snapshot) {
    if (snapshot.length != 8 * (2 + CLIENTS)) {
      throw new IllegalArgumentException("snapshot must be 80 bytes, was " + snapshot.length);
    }
    ByteBuffer b = ByteBuffer.wrap(snapshot);
    total = b.getLong();
    count = b.getLong();
    for (int i = 0; i < CLIENTS; i++) {
      lastSequence[i] = b.getLong();
    }
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
