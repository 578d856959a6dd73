package dev.shardraft.sample.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Raft group demo's scenario against a real one-node Kafka, smaller than the demo's. */
class RaftGroupRunTest {

  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(1);

  @Test
  void theDemoRunsItsScenarioAndFindsEveryAcknowledgedCommandOnceOnEveryReplica() throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "demo-test",
            ConfigFactory.parseString("pekko.kafka.consumer.commit-timeout = 2s")
                .withFallback(ConfigFactory.load()));
    List<String> lines = new ArrayList<>();
    RaftGroupReport report;
    try {
      report =
          new RaftGroupRun(
                  system,
                  KafkaSettings.forBootstrapServers(KAFKA.bootstrapServers()),
                  2,
                  5,
                  lines::add)
              .run();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    assertEquals(30, report.acknowledged());
    assertEquals(Map.of("r1", 30, "r2", 30, "r3", 30), report.appliedOnce());
    assertEquals(0, report.appliedTwice());
    assertEquals(0, report.lost());
    assertTrue(report.sameState());
    assertEquals(report.eventsExpected(), report.eventsProjected());
    assertEquals(26, report.eventsExpected(), "30 commands, 4 refused by a business rule");
    assertTrue(
        report.figures().failoverMillis() > 0, "an acknowledgement came from the new leader");
    assertTrue(report.clean(), String.join("\n", report.lines()));
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("was fenced by a newer writer")),
        "the old writer was shown fenced: " + lines);
  }

  private static final RaftGroupReport.Figures FIGURES =
      new RaftGroupReport.Figures(900, 1000, 500, 4, 100, 2000, 4000, 20);

  @Test
  void theClosingLineNamesEveryReplicaAndAnyProblemMakesTheRunUnclean() {
    Map<String, Integer> once = new LinkedHashMap<>();
    once.put("r1", 200);
    once.put("r2", 200);
    once.put("r3", 199);
    RaftGroupReport report = new RaftGroupReport(200, once, 0, 1, true, 170, 170, FIGURES);
    assertEquals(
        "commands acknowledged: 200, applied on r1/r2/r3: 200/200/199, applied twice: "
            + "0, lost: 1",
        report.lines().get(report.lines().size() - 1));
    assertFalse(report.clean());
    once.put("r3", 200);
    assertTrue(new RaftGroupReport(200, once, 0, 0, true, 170, 170, FIGURES).clean());
    assertFalse(new RaftGroupReport(200, once, 1, 0, true, 170, 170, FIGURES).clean());
    assertFalse(new RaftGroupReport(200, once, 0, 0, false, 170, 170, FIGURES).clean());
    assertFalse(new RaftGroupReport(200, once, 0, 0, true, 169, 170, FIGURES).clean());
  }
}
