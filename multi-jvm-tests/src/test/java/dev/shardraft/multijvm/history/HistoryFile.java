package dev.shardraft.multijvm.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes history files: one JSON object per line ({@link Op}). Reading normalises values
 * to {@code null}, {@code Long} and {@code List<Long>}, and names the line of a bad one.
 */
public final class HistoryFile {
  static final ObjectMapper JSON = new ObjectMapper();

  private HistoryFile() {}

  /** Where the history of {@code testName} goes: {@code target/histories/<test-name>.jsonl}. */
  public static Path pathFor(String testName) {
    return Path.of("target", "histories", testName + ".jsonl");
  }

  public static void write(Path file, List<Op> ops) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (Op op : ops) {
          out.write(line(op));
          out.newLine();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write history " + file, e);
    }
  }

  public static String line(Op op) {
    try {
      return JSON.writeValueAsString(op);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + op, e);
    }
  }

  public static List<Op> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read history " + file, e);
    }
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        ops.add(parse(lines.get(i)));
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + " is not a history op: " + lines.get(i), e);
      }
    }
    return ops;
  }

  public static Op parse(String line) throws IOException {
    JsonNode n = JSON.readTree(line);
    Op raw = JSON.treeToValue(n, Op.class);
    return new Op(raw.process(), raw.type(), raw.f(), raw.key(), value(n.get("value")), raw.time());
  }

  private static Object value(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isArray()) {
      List<Long> values = new ArrayList<>();
      for (JsonNode e : v) {
        if (e.isNull()) {
          values.add(null);
        } else if (e.isIntegralNumber()) {
          values.add(e.asLong());
        } else {
          throw new IllegalArgumentException("list element is not an integer: " + e);
        }
      }
      return values;
    }
    throw new IllegalArgumentException("value is not null, an integer or a list: " + v);
  }
}
