package dev.shardraft.sample.demo;

import dev.shardraft.raft.actor.ReplicaProtocol.ReadReply;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadResult;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.sample.cluster.KafkaRaftGroup;
import dev.shardraft.sample.orders.OrderAudit;
import dev.shardraft.sample.orders.OrderBookState;
import dev.shardraft.sample.orders.OrderCodecs;
import dev.shardraft.sample.orders.OrderCommand;
import dev.shardraft.sample.orders.OrderQuery;
import dev.shardraft.sample.orders.OrderQueryResult;
import dev.shardraft.sample.orders.OrderReply;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the replicas' own states say about the acknowledged commands: each member's whole order book
 * is read ({@code Read(STALE, AllOrders)}) and checked with {@link OrderAudit}.
 *
 * @param acknowledged commands acknowledged to the clients
 * @param appliedOnce per member, acknowledged commands held exactly once at their index
 * @param appliedTwice distinct acknowledged commands held more than once by some member
 * @param lost distinct acknowledged commands missing (or at another index) on some member
 * @param sameState whether all members' books are equal
 */
record ReplicaVerdict(
    int acknowledged,
    Map<String, Integer> appliedOnce,
    int appliedTwice,
    int lost,
    boolean sameState) {

  /**
   * Reads every member of {@code group} (all must run and have applied the acknowledged commands)
   * and checks them.
   *
   * @throws IllegalStateException if some member holds the order {@code forbiddenOrderId}
   */
  static ReplicaVerdict of(
      KafkaRaftGroup<OrderCommand, OrderReply> group,
      List<OrderAudit.Acknowledged> acknowledged,
      String forbiddenOrderId,
      Consumer<String> out) {
    Map<String, Integer> once = new LinkedHashMap<>();
    Set<OrderAudit.Acknowledged> twice = new HashSet<>();
    Set<OrderAudit.Acknowledged> lost = new HashSet<>();
    Set<OrderBookState> states = new HashSet<>();
    for (String id : group.members()) {
      OrderBookState book = book(group, id);
      OrderAudit.Verdict v = OrderAudit.check(acknowledged, book);
      once.put(id, v.appliedOnce());
      twice.addAll(v.appliedTwice());
      lost.addAll(v.lost());
      lost.addAll(v.misplaced()); // not where it was acknowledged: not the acknowledged one
      if (!v.clean()) {
        out.accept("PROBLEM at " + id + ": " + v);
      }
      if (book.orders().stream().anyMatch(o -> o.orderId().equals(forbiddenOrderId))) {
        throw new IllegalStateException(forbiddenOrderId + " was applied at " + id);
      }
      states.add(book);
    }
    return new ReplicaVerdict(
        acknowledged.size(), once, twice.size(), lost.size(), states.size() == 1);
  }

  private static OrderBookState book(KafkaRaftGroup<OrderCommand, OrderReply> group, String id) {
    ReadReply reply =
        group.read(id, ReadMode.STALE, OrderCodecs.QUERIES.encode(new OrderQuery.AllOrders()));
    if (!(reply instanceof ReadResult r)) {
      throw new IllegalStateException("reading the state of " + id + " answered " + reply);
    }
    return ((OrderQueryResult.Book) OrderCodecs.QUERY_RESULTS.decode(r.result().toArray())).state();
  }
}
