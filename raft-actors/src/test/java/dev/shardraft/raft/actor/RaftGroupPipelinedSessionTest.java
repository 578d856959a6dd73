package dev.shardraft.raft.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.actor.ReplicaProtocol.Submit;
import dev.shardraft.raft.actor.ReplicaProtocol.SubmitReply;
import dev.shardraft.raft.core.apply.SessionRegistration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registered, pipelined client session on three replica actors: commands in flight when the
 * leader stops are retried at the new leader with the same sequences, and each is applied once.
 */
class RaftGroupPipelinedSessionTest {
  private ReplicaGroup group;

  @BeforeEach
  void start() {
    group = ReplicaGroup.ofThree().startAll();
  }

  @AfterEach
  void stop() {
    group.close();
  }

  @Test
  void pipelinedCommandsOfOneSessionAreEachAppliedOnceAcrossALeaderChange() {
    String leader = group.awaitLeader();
    TestProbe<SubmitReply> probe = group.kit.createTestProbe(SubmitReply.class);
    group.ref(leader).tell(Submit.registration("client", probe.ref()));
    Applied reg = assertInstanceOf(Applied.class, probe.receiveMessage(ReplicaGroup.WAIT));
    String session = SessionRegistration.decodeReply(reg.reply().toArray()).sessionId();

    // Six commands in flight at once (none answered yet: lowestUnacked 1), then the leader stops
    // while they are queued, appended or applied: some outcomes are unknown to the client.
    for (long seq = 1; seq <= 6; seq++) {
      group
          .ref(leader)
          .tell(new Submit(session, seq, ReplicaGroup.bytes("p" + seq), 1, probe.ref()));
    }
    group.stop(leader);
    String next = group.awaitLeader();
    assertNotEquals(leader, next);

    // The client retries every one with the same sequence; it has seen no answer, so still 1.
    // (A new probe: answers the stopped leader sent before it stopped are not these.)
    probe = group.kit.createTestProbe(SubmitReply.class);
    Map<Long, Applied> answers = new HashMap<>();
    for (long seq = 1; seq <= 6; seq++) {
      group.ref(next).tell(new Submit(session, seq, ReplicaGroup.bytes("p" + seq), 1, probe.ref()));
      answers.put(seq, assertInstanceOf(Applied.class, probe.receiveMessage(ReplicaGroup.WAIT)));
    }
    List<String> expected = new ArrayList<>();
    for (long seq = 1; seq <= 6; seq++) {
      expected.add("p" + seq);
    }
    List<String> items = group.items(next);
    assertEquals(6, items.size(), "each applied exactly once: " + items + " " + answers);
    assertEquals(expected, items.stream().sorted().toList());
    // A retry after the window moved on: answered, not applied again.
    group.ref(next).tell(new Submit(session, 7, ReplicaGroup.bytes("p7"), 7, probe.ref()));
    assertInstanceOf(Applied.class, probe.receiveMessage(ReplicaGroup.WAIT));
    group.ref(next).tell(new Submit(session, 3, ReplicaGroup.bytes("p3"), 1, probe.ref()));
    assertInstanceOf(ReplicaProtocol.Rejected.class, probe.receiveMessage(ReplicaGroup.WAIT));
    assertEquals(7, group.items(next).size());
  }
}
