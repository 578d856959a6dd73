package dev.shardraft.sample.cluster;

import static dev.shardraft.sample.cluster.GroupFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.raft.actor.RaftReplica.Status;
import dev.shardraft.sample.orders.OrderAudit;
import dev.shardraft.sample.orders.OrderBookState;
import dev.shardraft.sample.orders.OrderCommand;
import dev.shardraft.sample.orders.OrderReply;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A group of three replica actors on a real one-node Kafka: election and replication. */
class KafkaRaftGroupTest {

  @RegisterExtension
  static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(1);

  static GroupFixture fixture;

  @BeforeAll
  static void setUp() {
    fixture = new GroupFixture(KAFKA.bootstrapServers());
  }

  @AfterAll
  static void tearDown() throws Exception {
    fixture.close();
  }

  @Test
  void electsALeaderAndAppliesEveryAcknowledgedCommandOnceIdenticallyOnAllReplicas() {
    try (KafkaRaftGroup<OrderCommand, OrderReply> group = fixture.start("orders-it-a", s -> s)) {
      Status leader = group.awaitLeader(WAIT);
      assertTrue(leader.term() >= 1, "leader " + leader);

      OrderStream stream = fixture.stream(group, "a", 3, 5);
      stream.start();
      stream.join(WAIT);
      assertEquals(stream.total(), stream.acked().size(), "every command acknowledged");
      Set<String> ids = new HashSet<>();
      stream.acked().forEach(a -> assertTrue(ids.add(a.clientId() + "#" + a.sequence()),
          "acknowledged once: " + a));

      group.awaitApplied(GroupFixture.lastIndex(stream), WAIT);
      GroupFixture.assertSameBooks(group);
      for (String id : group.running()) {
        OrderBookState book = GroupFixture.book(group, id);
        OrderAudit.Verdict v = OrderAudit.check(stream.forAudit(), book);
        assertTrue(v.clean(), id + ": " + v);
        assertEquals(stream.total(), v.appliedOnce(), id + ": " + v);
        assertEquals(stream.total(), book.commandsApplied(), id + " applied nothing else");
      }
    }
  }
}
