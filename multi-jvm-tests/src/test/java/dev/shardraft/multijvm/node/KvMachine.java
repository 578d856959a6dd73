package dev.shardraft.multijvm.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardraft.raft.port.QueryableStateMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fault tests' state machine: registers of longs (write, compare-and-set) and list-append keys
 * (keys starting with {@code l-} or containing {@code -l-}). Commands are text: {@code w <key>
 * <value>}, {@code c <key> <expected|null> <new>}, {@code a <key> <value>}; replies {@code ok} or
 * {@code fail <current>}. A query {@code r <key>} answers the key's value as JSON (a number or null
 * for a register, an array for a list).
 *
 * <p>Beside the data it keeps the index of the last applied command and a SHA-256 chain over every
 * applied (index, command): two replicas that applied the same sequence have the same digest
 * (snapshots carry both). Each instance reports them to the node's {@link Registry}.
 */
public final class KvMachine implements QueryableStateMachine<String, String> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Codec<String> UTF8 = Codec.utf8();

  /** What one instance has applied, published for the node's digest endpoint. */
  public record Applied(String firstKey, long index, String digest) {}

  /** The instances on this node (replicas restarted here leave their old instance behind). */
  public static final class Registry {
    private final List<KvMachine> machines = new ArrayList<>();

    synchronized void add(KvMachine m) {
      machines.add(m);
    }

    public synchronized List<Applied> applied() {
      return machines.stream().map(m -> m.applied).filter(a -> a.firstKey() != null).toList();
    }
  }

  /** Snapshot form. */
  record State(
      Map<String, Long> registers,
      Map<String, List<Long>> lists,
      String firstKey,
      long index,
      String digest) {}

  private final Map<String, Long> registers = new TreeMap<>();
  private final Map<String, List<Long>> lists = new TreeMap<>();
  private volatile Applied applied = new Applied(null, -1, "");

  public KvMachine(Registry registry) {
    registry.add(this);
  }

  @Override
  public Result<String> apply(long index, String command) {
    String[] p = command.split(" ");
    String reply = execute(p);
    String key = p.length > 1 ? p[1] : command;
    Applied before = applied;
    applied =
        new Applied(
            before.firstKey() == null ? key : before.firstKey(),
            index,
            chain(before.digest(), index, command));
    return new Result<>(reply, List.of());
  }

  private String execute(String[] p) {
    if (p.length < 3) {
      return "fail malformed";
    }
    try {
      switch (p[0]) {
        case "w" -> {
          registers.put(p[1], Long.parseLong(p[2]));
          return "ok";
        }
        case "c" -> {
          Long current = registers.get(p[1]);
          Long expected = p[2].equals("null") ? null : Long.parseLong(p[2]);
          if (p.length != 4 || !java.util.Objects.equals(current, expected)) {
            return "fail " + current;
          }
          registers.put(p[1], Long.parseLong(p[3]));
          return "ok";
        }
        case "a" -> {
          lists.computeIfAbsent(p[1], k -> new ArrayList<>()).add(Long.parseLong(p[2]));
          return "ok";
        }
        default -> {
          return "fail unknown command " + p[0];
        }
      }
    } catch (NumberFormatException e) {
      return "fail malformed number";
    }
  }

  private static String chain(String before, long index, String command) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(before.getBytes(StandardCharsets.UTF_8));
      sha.update(Long.toString(index).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(command.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }

  @Override
  public byte[] snapshot() {
    Applied a = applied;
    return json(new State(registers, lists, a.firstKey(), a.index(), a.digest()));
  }

  @Override
  public void restore(byte[] snapshot) {
    try {
      State s = JSON.readValue(snapshot, State.class);
      registers.clear();
      registers.putAll(s.registers());
      lists.clear();
      s.lists().forEach((k, v) -> lists.put(k, new ArrayList<>(v)));
      applied = new Applied(s.firstKey(), s.index(), s.digest());
    } catch (IOException e) {
      throw new IllegalArgumentException("not a KvMachine snapshot", e);
    }
  }

  @Override
  public byte[] query(byte[] query) {
    String[] p = new String(query, StandardCharsets.UTF_8).split(" ");
    if (p.length != 2 || !p[0].equals("r")) {
      throw new IllegalArgumentException("query must be 'r <key>'");
    }
    Object value =
        p[1].startsWith("l-") || p[1].contains("-l-")
            ? lists.getOrDefault(p[1], List.of())
            : registers.get(p[1]);
    return json(value);
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Codec<String> commandCodec() {
    return UTF8;
  }

  @Override
  public Codec<String> replyCodec() {
    return UTF8;
  }
}
