package dev.shardraft.kafka.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.kafka.admin.TopicCheck.Kind;
import dev.shardraft.kafka.admin.TopicCheck.Observed;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicCheckTest {

  private static final Observed SAFE_LOG = new Observed(1, 3, 2, "delete", -1, -1);

  @Test
  void aSafeLogTopicHasNoProblems() {
    assertEquals(List.of(), TopicCheck.problems("raft-log-x", Kind.LOG, SAFE_LOG, 3));
    assertEquals(
        List.of(),
        TopicCheck.problems("raft-log-x", Kind.LOG, new Observed(1, 1, 1, "delete", -1, -1), 1));
    assertEquals(
        List.of(),
        TopicCheck.problems("raft-meta", Kind.META, new Observed(1, 3, 2, "compact", 1, -1), 3));
  }

  @Test
  void lowReplicationIsUnsafeOnlyOnThreeOrMoreBrokers() {
    Observed weak = new Observed(1, 1, 1, "delete", -1, -1);
    List<String> problems = TopicCheck.problems("raft-log-x", Kind.LOG, weak, 3);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("replication factor 1 < 3"));
    assertTrue(problems.get(1).contains("min.insync.replicas 1 < 2"));
    assertEquals(List.of(), TopicCheck.problems("raft-log-x", Kind.LOG, weak, 2));
  }

  @Test
  void aLogTopicNeedsOnePartitionNoCompactionAndNoRetention() {
    List<String> problems =
        TopicCheck.problems(
            "raft-log-x", Kind.LOG, new Observed(3, 3, 2, "compact,delete", 604800000, -1), 3);
    assertEquals(3, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("3 partitions"));
    assertTrue(problems.get(1).contains("would compact"));
    assertTrue(problems.get(2).contains("retention.ms=604800000"));
  }

  @Test
  void snapshotAndMetaTopicsMustBeCompactOnly() {
    assertEquals(
        1,
        TopicCheck.problems(
                "raft-snapshot-x", Kind.SNAPSHOT, new Observed(1, 3, 2, "delete", -1, -1), 3)
            .size());
    assertEquals(
        1,
        TopicCheck.problems(
                "raft-meta", Kind.META, new Observed(1, 3, 2, "compact,delete", -1, -1), 3)
            .size());
  }

  @Test
  void uncleanLeaderElectionIsRefusedOnLogSnapshotAndMetaTopics() {
    Observed unclean = new Observed(1, 3, 2, "delete", -1, -1, true);
    List<String> problems = TopicCheck.problems("raft-log-x", Kind.LOG, unclean, 3);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("unclean.leader.election.enable=true"));
    Observed uncleanCompact = new Observed(1, 3, 2, "compact", -1, -1, true);
    assertEquals(
        1, TopicCheck.problems("raft-snapshot-x", Kind.SNAPSHOT, uncleanCompact, 3).size());
    assertEquals(1, TopicCheck.problems("raft-meta", Kind.META, uncleanCompact, 1).size());
    assertEquals(List.of(), TopicCheck.problems("orders-events", Kind.EVENTS, unclean, 3));
  }

  @Test
  void internalTopicsNeedThreeReplicasAndMinIsrTwoOnThreeBrokers() {
    assertEquals(
        List.of(),
        TopicCheck.internalProblems(new TopicCheck.Internal("__transaction_state", true, 3, 2), 3));
    assertEquals(
        List.of(),
        TopicCheck.internalProblems(new TopicCheck.Internal("__consumer_offsets", true, 1, 1), 1));
    List<String> weak =
        TopicCheck.internalProblems(new TopicCheck.Internal("__transaction_state", true, 1, 1), 3);
    assertEquals(2, weak.size(), weak.toString());
    assertTrue(weak.get(0).startsWith("__transaction_state: replication factor 1 < 3"));
    assertTrue(weak.get(1).startsWith("__transaction_state: min.insync.replicas 1 < 2"));
    List<String> future =
        TopicCheck.internalProblems(new TopicCheck.Internal("__consumer_offsets", false, 3, 1), 5);
    assertEquals(1, future.size(), future.toString());
    assertTrue(future.get(0).contains("not created yet; from broker settings"));
  }
}
