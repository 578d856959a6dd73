package dev.shardraft.kafka.log;

import dev.shardraft.raft.port.StateMachine;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tiny deterministic state machine for the Kafka tests: commands are UTF-8 {@code "key=value"};
 * applying one stores it, replies with the previous value (or {@code "-"}) and emits one event
 * {@code put} keyed by the key with payload {@code "key=value@index"}. A command without '=' is
 * rejected by the codec (undecodable payload). A command of the key {@code poison} throws from
 * {@link #apply} on every replica (a poison command: its result is {@code Failed}).
 */
public final class KeyValueMachine implements StateMachine<String, String> {

  /** Plain UTF-8 text: the replies. */
  public static final Codec<String> UTF8 = Codec.utf8();

  /** UTF-8 {@code "key=value"}: the commands; anything else does not decode. */
  private static final Codec<String> COMMANDS =
      new Codec<>() {
        @Override
        public byte[] encode(String value) {
          return UTF8.encode(value);
        }

        @Override
        public String decode(byte[] bytes) {
          String text = UTF8.decode(bytes);
          if (!text.contains("=")) {
            throw new IllegalArgumentException("not key=value: " + text);
          }
          return text;
        }
      };

  private final TreeMap<String, String> state = new TreeMap<>();

  @Override
  public Result<String> apply(long index, String command) {
    int eq = command.indexOf('=');
    String key = command.substring(0, eq);
    String value = command.substring(eq + 1);
    if (key.equals("poison")) {
      throw new IllegalStateException("poison command at " + index);
    }
    String previous = state.put(key, value);
    byte[] event = UTF8.encode(command + "@" + index);
    return new Result<>(
        previous == null ? "-" : previous, List.of(new DomainEvent(key, "put", event)));
  }

  @Override
  public byte[] snapshot() {
    StringBuilder out = new StringBuilder();
    state.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
    return UTF8.encode(out.toString());
  }

  @Override
  public void restore(byte[] snapshot) {
    state.clear();
    for (String line : UTF8.decode(snapshot).split("\n")) {
      if (!line.isEmpty()) {
        int eq = line.indexOf('=');
        state.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
  }

  @Override
  public Codec<String> commandCodec() {
    return COMMANDS;
  }

  @Override
  public Codec<String> replyCodec() {
    return UTF8;
  }

  /** A copy of the current state. */
  public Map<String, String> state() {
    return new TreeMap<>(state);
  }
}
