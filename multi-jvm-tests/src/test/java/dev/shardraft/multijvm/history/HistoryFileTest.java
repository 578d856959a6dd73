package dev.shardraft.multijvm.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFileTest {

  @Test
  void linesHaveTheIssuesFormatAndReadBack(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("h.jsonl");
    Op cas = Op.invoke(3, Op.F.CAS, "r-1", List.of(1L, 2L), 10);
    Op read = Op.invoke(4, Op.F.READ, "l-1", null, 11);
    List<Op> ops =
        List.of(
            cas,
            read,
            cas.complete(Op.Type.OK, List.of(1L, 2L), 12),
            read.complete(Op.Type.OK, List.of(5L, 6L), 13));
    HistoryFile.write(file, ops);
    List<String> lines = Files.readAllLines(file);
    assertEquals(
        "{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"r-1\",\"value\":[1,2],\"time\":10}",
        lines.get(0));
    assertEquals(
        "{\"process\":4,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"l-1\",\"value\":null,\"time\":11}",
        lines.get(1));
    assertEquals(ops, HistoryFile.read(file));
  }

  @Test
  void aBadLineIsNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(
        file,
        HistoryFile.line(Op.invoke(1, Op.F.READ, "a", null, 1))
            + "\n{\"process\":1,\"type\":\"maybe\"}\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HistoryFile.read(file));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }
}
