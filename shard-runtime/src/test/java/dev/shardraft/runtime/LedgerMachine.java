package dev.shardraft.runtime;

import dev.shardraft.raft.port.QueryableStateMachine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A test state machine: a command is a unique id, applying it appends it to a list and replies the
 * list's new size. A command applied twice shows up twice in the list, so the list read back from
 * the log proves exactly-once application. Query: anything; answers the list, one id per line. A
 * command starting with {@code poison} throws on every replica (a poison command).
 */
public final class LedgerMachine implements QueryableStateMachine<String, Integer> {

  static final Codec<String> STRINGS = Codec.utf8();

  static final Codec<Integer> INTS =
      new Codec<>() {
        @Override
        public byte[] encode(Integer value) {
          return Integer.toString(value).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Integer decode(byte[] bytes) {
          try {
            return Integer.parseInt(new String(bytes, StandardCharsets.UTF_8));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number", e);
          }
        }
      };

  private final List<String> applied = new ArrayList<>();

  @Override
  public Result<Integer> apply(long index, String command) {
    if (command.startsWith("poison")) {
      throw new IllegalStateException("poison command " + command + " at " + index);
    }
    applied.add(command);
    return new Result<>(applied.size(), List.of());
  }

  @Override
  public byte[] snapshot() {
    return String.join("\n", applied).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void restore(byte[] snapshot) {
    applied.clear();
    String s = new String(snapshot, StandardCharsets.UTF_8);
    if (!s.isEmpty()) {
      applied.addAll(Arrays.asList(s.split("\n")));
    }
  }

  @Override
  public Codec<String> commandCodec() {
    return STRINGS;
  }

  @Override
  public Codec<Integer> replyCodec() {
    return INTS;
  }

  @Override
  public byte[] query(byte[] query) {
    return snapshot();
  }

  /** The ids applied, in log order. */
  public List<String> applied() {
    return List.copyOf(applied);
  }
}
