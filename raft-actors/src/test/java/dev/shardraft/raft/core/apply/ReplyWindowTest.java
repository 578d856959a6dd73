package dev.shardraft.raft.core.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.shardraft.raft.port.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A session's reply window: every value keeps its entries whatever is kept in or dropped from the
 * values derived from it (old sessions stay what they were), and it behaves like a copied sorted
 * map in every other way, for in-order sequences (the usual case) and out-of-order ones alike.
 */
class ReplyWindowTest {

  private static Session.Reply reply(long index) {
    return new Session.Reply(index, Bytes.of(new byte[] {(byte) index}), Optional.empty());
  }

  @Test
  void aValueNeverChangesWhenOthersKeepRepliesInTheSameBuffer() {
    ReplyWindow base = ReplyWindow.EMPTY.with(1, reply(1)).with(2, reply(2));
    ReplyWindow left = base.with(3, reply(3)); // in place: base ends where the buffer is filled
    ReplyWindow right = base.with(4, reply(4)); // must copy: left claimed that slot
    assertEquals(Map.of(1L, reply(1), 2L, reply(2)), base.toMap());
    assertEquals(Map.of(1L, reply(1), 2L, reply(2), 3L, reply(3)), left.toMap());
    assertEquals(Map.of(1L, reply(1), 2L, reply(2), 4L, reply(4)), right.toMap());
    assertNull(base.get(3));
    assertNull(right.get(3));
    ReplyWindow raised = left.from(2);
    assertEquals(Map.of(2L, reply(2), 3L, reply(3)), raised.toMap());
    assertSame(raised, raised.from(1));
    assertEquals(ReplyWindow.EMPTY, left.from(10));
    assertEquals(3, left.size());
  }

  @Test
  void randomBranchingMatchesCopiedMaps() {
    Random random = new Random(7);
    List<ReplyWindow> windows = new ArrayList<>(List.of(ReplyWindow.EMPTY));
    List<NavigableMap<Long, Session.Reply>> models = new ArrayList<>(List.of(new TreeMap<>()));
    for (int step = 0; step < 20_000; step++) {
      int pick = random.nextInt(windows.size());
      ReplyWindow w = windows.get(pick);
      TreeMap<Long, Session.Reply> model = new TreeMap<>(models.get(pick));
      long last = model.isEmpty() ? 0 : model.lastKey();
      ReplyWindow next;
      int op = random.nextInt(10);
      if (op < 6) { // the next sequence, or one a little above it
        long seq = last + 1 + random.nextInt(3);
        next = w.with(seq, reply(step));
        model.put(seq, reply(step));
      } else if (op < 8) { // out of order or a replacement
        long seq = Math.max(0, last - random.nextInt(6));
        next = w.with(seq, reply(step));
        model.put(seq, reply(step));
      } else {
        long lowest = last - random.nextInt(8);
        next = w.from(lowest);
        model = new TreeMap<>(model.tailMap(lowest, true));
      }
      windows.add(next);
      models.add(model);
      if (windows.size() > 64) {
        windows.remove(0);
        models.remove(0);
      }
      for (int i = 0; i < windows.size(); i++) {
        ReplyWindow v = windows.get(i);
        NavigableMap<Long, Session.Reply> m = models.get(i);
        assertEquals(m, v.toMap());
        assertEquals(m.size(), v.size());
        assertEquals(ReplyWindow.of(m), v);
        assertEquals(ReplyWindow.of(m).hashCode(), v.hashCode());
        if (!m.isEmpty()) {
          assertEquals(m.lastKey(), v.lastSequence());
          assertEquals(m.lastEntry().getValue(), v.lastReply());
        }
        long probe = random.nextInt((int) Math.max(1, last + 3));
        assertEquals(m.get(probe), v.get(probe));
      }
    }
  }
}
