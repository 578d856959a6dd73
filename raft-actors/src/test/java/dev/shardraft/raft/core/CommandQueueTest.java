package dev.shardraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shardraft.raft.core.Role.Leader.PendingCommand;
import dev.shardraft.raft.port.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The leader's persistent queue: every value keeps its elements whatever is appended to or dropped
 * from values derived from it (the core's states are values; the simulation keeps old ones), and it
 * behaves like a copied {@link List} in every other way.
 */
class CommandQueueTest {

  private static PendingCommand cmd(long id) {
    return new PendingCommand(id, "c" + id, 1, Bytes.of(new byte[] {(byte) id}), 0, -1);
  }

  @Test
  void aValueNeverChangesWhenOthersAppendFromTheSameBuffer() {
    CommandQueue base = CommandQueue.EMPTY.append(cmd(1)).append(cmd(2));
    CommandQueue left = base.append(cmd(3)); // in place: base ended where the buffer was filled
    CommandQueue right = base.append(cmd(4)); // must copy: left already claimed slot 2
    assertEquals(List.of(cmd(1), cmd(2)), base);
    assertEquals(List.of(cmd(1), cmd(2), cmd(3)), left);
    assertEquals(List.of(cmd(1), cmd(2), cmd(4)), right);
    CommandQueue dropped = left.drop(1);
    assertEquals(List.of(cmd(2), cmd(3)), dropped);
    assertEquals(List.of(cmd(1), cmd(2), cmd(3)), left);
    assertEquals(List.of(cmd(1), cmd(2)), left.first(2));
    assertEquals(List.of(cmd(2), cmd(3), cmd(5)), dropped.append(cmd(5)));
    assertEquals(List.of(cmd(1), cmd(2), cmd(3)), left);
  }

  @Test
  void randomBranchingMatchesCopiedLists() {
    Random random = new Random(12);
    List<CommandQueue> queues = new ArrayList<>(List.of(CommandQueue.EMPTY));
    List<List<PendingCommand>> models = new ArrayList<>(List.of(List.of()));
    for (int step = 0; step < 20_000; step++) {
      int pick = random.nextInt(queues.size());
      CommandQueue q = queues.get(pick);
      List<PendingCommand> model = new ArrayList<>(models.get(pick));
      CommandQueue next;
      if (model.isEmpty() || random.nextInt(3) > 0) {
        PendingCommand c = cmd(step);
        next = q.append(c);
        model.add(c);
      } else {
        int n = 1 + random.nextInt(model.size());
        assertEquals(model.subList(0, n), q.first(n));
        next = q.drop(n);
        model = new ArrayList<>(model.subList(n, model.size()));
      }
      queues.add(next);
      models.add(List.copyOf(model));
      if (queues.size() > 64) {
        queues.remove(0);
        models.remove(0);
      }
      for (int i = 0; i < queues.size(); i++) {
        assertEquals(models.get(i), queues.get(i));
        assertEquals(models.get(i).hashCode(), queues.get(i).hashCode());
      }
    }
  }

  @Test
  void itIsImmutableAndChecksBounds() {
    CommandQueue q = CommandQueue.of(List.of(cmd(1)));
    assertThrows(UnsupportedOperationException.class, () -> q.add(cmd(2)));
    assertThrows(UnsupportedOperationException.class, () -> q.remove(0));
    assertThrows(IndexOutOfBoundsException.class, () -> q.get(1));
    assertThrows(IndexOutOfBoundsException.class, () -> q.drop(2));
    assertThrows(IndexOutOfBoundsException.class, () -> q.first(2));
    assertEquals(CommandQueue.EMPTY, q.drop(1));
  }
}
