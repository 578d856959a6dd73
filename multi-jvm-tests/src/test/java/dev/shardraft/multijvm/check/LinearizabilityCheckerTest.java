package dev.shardraft.multijvm.check;

import static dev.shardraft.multijvm.check.Histories.list;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.multijvm.history.Op;
import dev.shardraft.multijvm.history.Op.F;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
  private final LinearizabilityChecker checker = new LinearizabilityChecker();

  private Verdict check(Histories h) {
    return checker.check(h.ops());
  }

  @Test
  void sequentialRegisterHistoryIsLinearizable() {
    Histories h =
        new Histories().read(1, "r", null, 0, 1).write(1, "r", 5, 2, 3).read(2, "r", 5L, 4, 5);
    assertTrue(check(h).valid(), check(h).toString());
  }

  @Test
  void readConcurrentWithAWriteMaySeeEitherValue() {
    Histories before =
        new Histories()
            .write(1, "r", 1, 0, 1)
            .invoke(1, F.WRITE, "r", 2L, 10)
            .read(2, "r", 1L, 11, 12)
            .read(3, "r", 2L, 13, 14)
            .ok(1, 2L, 20);
    assertTrue(check(before).valid(), check(before).toString());
  }

  @Test
  void staleReadIsCaughtAndNamed() {
    Histories h =
        new Histories().write(1, "r-7", 1, 0, 1).write(1, "r-7", 2, 2, 3).read(2, "r-7", 1L, 4, 5);
    Verdict v = check(h);
    assertFalse(v.valid());
    String problem = v.problems().get(0);
    assertTrue(problem.startsWith("key r-7: not linearizable"), problem);
    assertTrue(problem.contains("p2 read -> 1"), problem);
    assertTrue(problem.contains("state after it: 2"), problem);
  }

  @Test
  void readsThatGoBackInTimeAreCaughtEvenWhenConcurrentWithTheWrite() {
    // Both reads overlap the write, but once one saw 2 a later one cannot see 1 again.
    Histories h =
        new Histories()
            .write(1, "r", 1, 0, 1)
            .invoke(1, F.WRITE, "r", 2L, 10)
            .read(2, "r", 2L, 11, 12)
            .read(3, "r", 1L, 13, 14)
            .ok(1, 2L, 20);
    assertFalse(check(h).valid());
  }

  @Test
  void casAppliesOnlyOnTheExpectedValue() {
    Histories ok =
        new Histories()
            .write(1, "r", 1, 0, 1)
            .invoke(1, F.CAS, "r", list(1, 3), 2)
            .ok(1, list(1, 3), 3)
            .read(1, "r", 3L, 4, 5);
    assertTrue(check(ok).valid(), check(ok).toString());
    Histories wrong =
        new Histories()
            .write(1, "r", 1, 0, 1)
            .invoke(1, F.CAS, "r", list(2, 3), 2)
            .ok(1, list(2, 3), 3);
    assertFalse(check(wrong).valid());
  }

  @Test
  void failedOperationsNeverTookEffect() {
    Histories h =
        new Histories()
            .write(1, "r", 1, 0, 1)
            .invoke(1, F.CAS, "r", list(2, 3), 2)
            .fail(1, 3)
            .invoke(2, F.WRITE, "r", 9L, 4)
            .fail(2, 5)
            .read(1, "r", 1L, 6, 7);
    assertTrue(check(h).valid(), check(h).toString());
    Histories seenAnyway =
        new Histories().invoke(2, F.WRITE, "r", 9L, 4).fail(2, 5).read(1, "r", 9L, 6, 7);
    assertFalse(check(seenAnyway).valid());
  }

  @Test
  void infoOperationsMayOrMayNotHaveHappenedAtAnyLaterTime() {
    Histories happenedLate =
        new Histories()
            .write(1, "r", 1, 0, 1)
            .invoke(2, F.WRITE, "r", 2L, 2)
            .info(2, 3)
            .read(1, "r", 1L, 10, 11)
            .read(1, "r", 2L, 100, 101);
    assertTrue(check(happenedLate).valid(), check(happenedLate).toString());
    Histories neverHappened =
        new Histories()
            .write(1, "r", 1, 0, 1)
            .invoke(2, F.WRITE, "r", 2L, 2)
            .info(2, 3)
            .read(1, "r", 1L, 100, 101);
    assertTrue(check(neverHappened).valid(), check(neverHappened).toString());
    Histories beforeItsCall =
        new Histories().read(1, "r", 2L, 0, 1).invoke(2, F.WRITE, "r", 2L, 2).info(2, 3);
    assertFalse(
        check(beforeItsCall).valid(), "an info op cannot take effect before its invocation");
    Histories infoCas =
        new Histories()
            .write(1, "r", 1, 0, 1)
            .invoke(2, F.CAS, "r", list(1, 5), 2)
            .info(2, 3)
            .read(1, "r", 5L, 10, 11)
            .read(1, "r", 1L, 12, 13);
    assertFalse(check(infoCas).valid(), "an info op takes effect once, not twice");
  }

  /**
   * Clients whose appends and writes timed out (a restart of every node) leave operations of
   * unknown outcome that no read ever saw; each stays pending to the end of the history. Settled
   * first (dropped: unobserved), they no longer multiply the search: checked within 200 k steps,
   * where without settling the search gives up (200 k steps, 144 operations).
   */
  @Test
  void unknownOutcomesNoReadSawDoNotMultiplyTheSearch() {
    LinearizabilityChecker bounded = new LinearizabilityChecker(200_000);
    Histories lists = new Histories();
    Histories registers = new Histories();
    for (int i = 0; i < 24; i++) {
      lists.invoke(100 + i, F.APPEND, "l", 1000L + i, i).info(100 + i, i + 1);
      registers.invoke(100 + i, F.WRITE, "r", 1000L + i, i).info(100 + i, i + 1);
    }
    List<Long> seen = new ArrayList<>();
    long t = 100;
    for (long v = 1; v <= 60; v++) {
      lists.append(1, "l", v, t, t + 1);
      registers.write(1, "r", v, t, t + 1);
      seen.add(v);
      lists.read(2, "l", new ArrayList<>(seen), t + 2, t + 3);
      registers.read(2, "r", v, t + 2, t + 3);
      t += 10;
    }
    Verdict l = bounded.check(lists.ops());
    assertTrue(l.valid(), l.toString());
    Verdict r = bounded.check(registers.ops());
    assertTrue(r.valid(), r.toString());
    // one of those appends seen by a read after the others: it took effect, the rest still did not
    lists
        .read(2, "l", concat(seen, 1005L), t, t + 1)
        .read(2, "l", concat(seen, 1005L), t + 2, t + 3);
    assertTrue(bounded.check(lists.ops()).valid(), bounded.check(lists.ops()).toString());
    // ... and a later read that lost it again is caught
    lists.read(2, "l", seen, t + 4, t + 5);
    assertFalse(bounded.check(lists.ops()).valid(), "an append seen once cannot vanish");
  }

  private static List<Long> concat(List<Long> a, long v) {
    List<Long> out = new ArrayList<>(a);
    out.add(v);
    return out;
  }

  @Test
  void listAppendHistoryWithConcurrentAppendsIsLinearizable() {
    Histories h =
        new Histories()
            .invoke(1, F.APPEND, "l", 1L, 0)
            .invoke(2, F.APPEND, "l", 2L, 1)
            .ok(2, 2L, 5)
            .ok(1, 1L, 6)
            .read(3, "l", list(2, 1), 7, 8);
    assertTrue(check(h).valid(), check(h).toString());
  }

  @Test
  void manyConcurrentAppendsThatNoReadOrdersAreCheckedWithoutExploringEveryOrder() {
    Histories h = new Histories();
    int n = 14;
    for (int p = 0; p < n; p++) {
      h.invoke(p, F.APPEND, "l", (long) p, p);
    }
    for (int p = 0; p < n; p++) {
      h.ok(p, (long) p, 100 + p);
    }
    long[] reversed = new long[n];
    for (int i = 0; i < n; i++) {
      reversed[i] = n - 1 - i;
    }
    h.read(99, "l", list(reversed), 200, 201);
    Verdict v = new LinearizabilityChecker(2_000_000).check(h.ops());
    assertTrue(v.valid(), v.toString());
    Histories missing = new Histories();
    for (int p = 0; p < n; p++) {
      missing.invoke(p, F.APPEND, "l", (long) p, p);
    }
    for (int p = 0; p < n; p++) {
      missing.ok(p, (long) p, 100 + p);
    }
    missing.read(99, "l", list(java.util.Arrays.copyOf(reversed, n - 1)), 200, 201);
    Verdict lost = new LinearizabilityChecker(2_000_000).check(missing.ops());
    assertFalse(lost.valid(), lost.toString());
    assertFalse(lost.problems().get(0).contains("gave up"), lost.toString());
  }

  @Test
  void aListKeyWithOnlyReadsIsAList() {
    Histories h = new Histories().read(1, "l", list(), 0, 1).read(2, "l", list(), 2, 3);
    assertTrue(check(h).valid(), check(h).toString());
  }

  @Test
  void lostAppendIsCaught() {
    Histories h =
        new Histories()
            .append(1, "l-1", 1, 0, 1)
            .append(1, "l-1", 2, 2, 3)
            .read(2, "l-1", list(1), 4, 5);
    Verdict v = check(h);
    assertFalse(v.valid());
    assertTrue(v.problems().get(0).contains("key l-1"), v.toString());
  }

  @Test
  void doubleAppendIsNotLinearizable() {
    Histories h = new Histories().append(1, "l", 1, 0, 1).read(2, "l", list(1, 1), 2, 3);
    assertFalse(check(h).valid());
  }

  @Test
  void appendsInTheWrongOrderAreCaught() {
    Histories h =
        new Histories()
            .append(1, "l", 1, 0, 1)
            .append(1, "l", 2, 2, 3)
            .read(2, "l", list(2, 1), 4, 5);
    assertFalse(check(h).valid());
  }

  @Test
  void keysAreCheckedApart() {
    Histories h =
        new Histories()
            .write(1, "a", 1, 0, 1)
            .write(1, "b", 2, 2, 3)
            .read(2, "a", 1L, 4, 5)
            .read(2, "b", 1L, 6, 7);
    Verdict v = check(h);
    assertFalse(v.valid());
    assertTrue(v.problems().size() == 1 && v.problems().get(0).startsWith("key b:"), v.toString());
  }

  @Test
  void malformedHistoriesAreRefusedWithTheLine() {
    List<Op> twoAtOnce =
        List.of(Op.invoke(1, F.READ, "a", null, 0), Op.invoke(1, F.READ, "a", null, 1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> checker.check(twoAtOnce));
    assertTrue(e.getMessage().startsWith("line 2"), e.getMessage());
    Op inv = Op.invoke(1, F.WRITE, "a", 1L, 0);
    List<Op> reused =
        List.of(inv, inv.complete(Op.Type.INFO, 1L, 1), Op.invoke(1, F.READ, "a", null, 2));
    assertThrows(IllegalArgumentException.class, () -> checker.check(reused));
  }

  @Test
  void manyConcurrentClientsOnALinearizableRegisterAreCheckedQuickly() {
    // A simulated atomic register: each op takes effect at a random instant inside its interval.
    Random random = new Random(11);
    long now = 0;
    long[] clientFree = new long[5];
    long next = 1;
    Long current = null;
    record Pending(int p, F f, long v, long call, long effect, long ret) {}
    List<Pending> planned = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      int p = random.nextInt(5);
      long call = Math.max(clientFree[p], now) + random.nextInt(3);
      long effect = call + 1 + random.nextInt(20);
      long ret = effect + 1 + random.nextInt(20);
      clientFree[p] = ret + 1;
      now = call;
      planned.add(
          new Pending(p, random.nextBoolean() ? F.WRITE : F.READ, next++, call, effect, ret));
    }
    // Decide each read's value by the order of effects.
    planned.sort((a, b) -> Long.compare(a.effect(), b.effect()));
    java.util.Map<Pending, Long> seen = new java.util.HashMap<>();
    for (Pending op : planned) {
      if (op.f() == F.WRITE) {
        current = op.v();
      } else {
        seen.put(op, current);
      }
    }
    List<Op> ops = new ArrayList<>();
    for (Pending op : planned) {
      Op inv = Op.invoke(op.p(), op.f(), "r", op.f() == F.WRITE ? op.v() : null, op.call());
      ops.add(inv);
      ops.add(inv.complete(Op.Type.OK, op.f() == F.WRITE ? op.v() : seen.get(op), op.ret()));
    }
    ops.sort((a, b) -> Long.compare(a.time(), b.time()));
    Verdict v = checker.check(ops);
    assertTrue(v.valid(), v.toString());

    // The same history with one read answered from an old value (a write long before it).
    Pending late = planned.get(planned.size() - 1);
    Pending early = planned.stream().filter(o -> o.f() == F.WRITE).findFirst().orElseThrow();
    List<Op> stale = new ArrayList<>(ops);
    Op inv = Op.invoke(99, F.READ, "r", null, late.ret() + 100);
    stale.add(inv);
    stale.add(inv.complete(Op.Type.OK, early.v(), late.ret() + 101));
    assertFalse(checker.check(stale).valid(), "a stale read at the end is caught");
  }
}
