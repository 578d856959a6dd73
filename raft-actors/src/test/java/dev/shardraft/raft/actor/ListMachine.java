package dev.shardraft.raft.actor;

import dev.shardraft.raft.port.QueryableStateMachine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test state machine: an append-only list of strings. A command appends its text; the reply is the
 * list's new size; a query returns the whole list, one item a line. The command {@code "boom"}
 * throws once if {@code failOnBoom} is set (to provoke a supervisor restart).
 */
final class ListMachine implements QueryableStateMachine<String, String> {
  private final List<String> items = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicBoolean failOnBoom;

  ListMachine() {
    this(new java.util.concurrent.atomic.AtomicBoolean(false));
  }

  ListMachine(java.util.concurrent.atomic.AtomicBoolean failOnBoom) {
    this.failOnBoom = failOnBoom;
  }

  @Override
  public Result<String> apply(long index, String command) {
    if (command.equals("boom") && failOnBoom.getAndSet(false)) {
      throw new IllegalStateException("boom at " + index + " (test failure, thrown once)");
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
