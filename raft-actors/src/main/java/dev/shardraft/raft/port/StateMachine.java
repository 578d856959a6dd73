package dev.shardraft.raft.port;

import java.util.List;

/**
 * The user's replicated state machine. Every replica applies the same commands in the same order,
 * so {@link #apply} must be deterministic: the same state, index and command give the same reply,
 * events and next state on every replica, with no clock, randomness or I/O.
 *
 * <p>Implementations are used from one actor at a time and need not be thread-safe.
 *
 * @param <C> command type
 * @param <R> reply type
 */
public interface StateMachine<C, R> {

  /**
   * Applies a command that was committed at {@code index}. A command the state machine rejects
   * (business rule) still yields a reply that says so; it must not throw for such cases.
   */
  Result<R> apply(long index, C command);

  /** The whole state, serialized. */
  byte[] snapshot();

  /** Replaces the whole state with a snapshot produced by {@link #snapshot()}. */
  void restore(byte[] snapshot);

  /** Encodes and decodes commands and replies for the log and for snapshots of sessions. */
  Codec<C> commandCodec();

  Codec<R> replyCodec();

  /** The result of applying one command. */
  record Result<R>(R reply, List<DomainEvent> events) {
    public Result {
      events = List.copyOf(events);
    }
  }

  /**
   * A domain event for downstream services.
   *
   * @param key the Kafka record key for the events topic (e.g. the order id)
   * @param type a stable event type name
   * @param payload the encoded event
   */
  record DomainEvent(String key, String type, byte[] payload) {}

  /** Binary codec; {@link #decode} throws {@link IllegalArgumentException} on malformed input. */
  interface Codec<T> {
    byte[] encode(T value);

    T decode(byte[] bytes);

    /** Strings as UTF-8 (malformed input decodes to replacement characters). */
    static Codec<String> utf8() {
      return new Codec<>() {
        @Override
        public byte[] encode(String value) {
          return value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
          return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
      };
    }
  }
}
