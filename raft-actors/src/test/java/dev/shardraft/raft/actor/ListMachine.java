package dev.shardraft.raft.actor;

import dev.shardraft.raft.port.QueryableStateMachine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test state machine: an append-only list of strings. A command appends its text; the reply is the
 * list's new size; a query returns the whole list, one item a line. The command {@code "poison"}
 * always throws (deterministically, on every replica: a poison command). If {@code
 * failNextSnapshot} is set, the next {@link #snapshot()} throws once (a transient fault outside any
 * command's result, to provoke a supervisor restart).
 */
final class ListMachine implements QueryableStateMachine<String, String> {
  private final List<String> items = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicBoolean failNextSnapshot;

  ListMachine() {
    this(new java.util.concurrent.atomic.AtomicBoolean(false));
  }

  ListMachine(java.util.concurrent.atomic.AtomicBoolean failNextSnapshot) {
    this.failNextSnapshot = failNextSnapshot;
  }

  @Override
  public Result<String> apply(long index, String command) {
    if (command.equals("poison")) {
      throw new IllegalStateException("poison at " + index + " (test failure, on every replica)");
    }
    items.add(command);
    return new Result<>(String.valueOf(items.size()), List.of());
  }

  @Override
  public byte[] query(byte[] query) {
    return String.join("\n", items).getBytes(StandardCharsets.UTF_8);
  }

  /** Decodes a {@link #query} answer. */
  static List<String> items(byte[] queryResult) {
    String s = new String(queryResult, StandardCharsets.UTF_8);
    return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n", -1));
  }

  @Override
  public byte[] snapshot() {
    if (failNextSnapshot.getAndSet(false)) {
      throw new IllegalStateException("snapshot failed (test failure, thrown once)");
    }
    return String.join("\n", items).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void restore(byte[] snapshot) {
    items.clear();
    items.addAll(items(snapshot));
  }

  static final Codec<String> TEXT = Codec.utf8();

  @Override
  public Codec<String> commandCodec() {
    return TEXT;
  }

  @Override
  public Codec<String> replyCodec() {
    return TEXT;
  }
}
