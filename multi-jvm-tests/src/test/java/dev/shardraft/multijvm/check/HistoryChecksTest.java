package dev.shardraft.multijvm.check;

import static dev.shardraft.multijvm.check.Histories.list;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.multijvm.check.HistoryChecks.ReplicaDigest;
import dev.shardraft.multijvm.history.Op.F;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryChecksTest {

  @Test
  void everyAcknowledgedAppendMustBeInTheFinalList() {
    Histories h =
        new Histories()
            .append(1, "l-2", 1, 0, 1)
            .append(1, "l-2", 2, 2, 3)
            .invoke(2, F.APPEND, "l-2", 3L, 4)
            .info(2, 5);
    assertTrue(HistoryChecks.noLostWrites(h.ops(), Map.of("l-2", list(1, 2))).valid());
    assertTrue(HistoryChecks.noLostWrites(h.ops(), Map.of("l-2", list(1, 2, 3))).valid());
    Verdict lost = HistoryChecks.noLostWrites(h.ops(), Map.of("l-2", list(1, 3)));
    assertFalse(lost.valid());
    assertTrue(
        lost.problems().get(0).contains("key l-2: acknowledged p1 append 2"), lost.toString());
  }

  @Test
  void aRegisterLosesAnAcknowledgedWriteWhenItsFinalValueIsOlder() {
    Histories h = new Histories().write(1, "r-1", 1, 0, 1).write(2, "r-1", 2, 5, 6);
    assertTrue(HistoryChecks.noLostWrites(h.ops(), Map.of("r-1", 2L)).valid());
    Verdict lost = HistoryChecks.noLostWrites(h.ops(), Map.of("r-1", 1L));
    assertFalse(lost.valid());
    assertTrue(
        lost.problems().get(0).contains("acknowledged p2 write 2 [5, 6] is lost"), lost.toString());
    Map<String, Object> none = new HashMap<>();
    none.put("r-1", null);
    assertFalse(HistoryChecks.noLostWrites(h.ops(), none).valid(), "a register that forgot all");
    assertFalse(HistoryChecks.noLostWrites(h.ops(), Map.of("r-1", 7L)).valid(), "never written");
  }

  @Test
  void concurrentWritesMayEndEitherWay() {
    Histories h =
        new Histories()
            .invoke(1, F.WRITE, "r", 1L, 0)
            .invoke(2, F.WRITE, "r", 2L, 1)
            .ok(1, 1L, 5)
            .ok(2, 2L, 6);
    assertTrue(HistoryChecks.noLostWrites(h.ops(), Map.of("r", 1L)).valid());
    assertTrue(HistoryChecks.noLostWrites(h.ops(), Map.of("r", 2L)).valid());
  }

  @Test
  void aValueReadTwiceIsADoubleAppend() {
    Histories h = new Histories().append(1, "l-9", 4, 0, 1).read(2, "l-9", list(4, 4), 2, 3);
    Verdict v = HistoryChecks.noDoubleAppends(h.ops());
    assertFalse(v.valid());
    assertTrue(v.problems().get(0).startsWith("key l-9: value 4 applied twice"), v.toString());
    assertTrue(
        HistoryChecks.noDoubleAppends(new Histories().read(2, "l", list(4, 5), 2, 3).ops())
            .valid());
  }

  @Test
  void replicasAtTheSameIndexMustHaveTheSameDigest() {
    List<ReplicaDigest> same =
        List.of(
            new ReplicaDigest("kv-0", "r1@a", 40, "abc"),
            new ReplicaDigest("kv-0", "r2@b", 40, "abc"),
            new ReplicaDigest("kv-0", "r3@c", 40, "abc"),
            new ReplicaDigest("kv-0", "r3@a (old)", 12, "old"));
    assertTrue(HistoryChecks.appliedSequencesAgree(same, 3).valid());
    List<ReplicaDigest> split =
        List.of(
            new ReplicaDigest("kv-0", "r1@a", 40, "abc"),
            new ReplicaDigest("kv-0", "r2@b", 40, "abd"),
            new ReplicaDigest("kv-0", "r3@c", 40, "abc"));
    Verdict v = HistoryChecks.appliedSequencesAgree(split, 3);
    assertFalse(v.valid());
    assertTrue(
        v.problems().get(0).startsWith("group kv-0: replicas applied different"), v.toString());
    assertFalse(HistoryChecks.appliedSequencesAgree(same.subList(0, 2), 3).valid(), "too few");
  }
}
