package dev.shardraft.sample.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.shardraft.kafka.local.LocalKafkaExtension;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The demo's core against a real one-node Kafka. */
class DemoRunTest {

  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(1);

  @Test
  void writesReadsAndProjectsOnlyTheCommittedCommands() throws Exception {
    ActorSystem system =
        ActorSystem.create(
            "demo-test",
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.load()));
    DemoReport report;
    try {
      report = new DemoRun(system, KAFKA.bootstrapServers(), 7).run();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    assertEquals(1, report.brokers());
    assertEquals(7, report.committedWritten());
    assertEquals(3, report.abortedWritten());
    assertEquals(7, report.committedRead(), "every committed command is read");
    assertEquals(0, report.abortedRead(), "no aborted command is read");
    assertEquals(0, report.firstOffset());
    assertEquals(6, report.lastOffset(), "the committed commands come first, at offsets 0 to 6");
    // 7 records + commit marker (8), 3 aborted + abort marker (12): the end marker is at 12.
    assertEquals(12, report.endMarkerOffset(), "aborted records and markers take offsets");
    assertEquals(7, report.eventsRead(), "one event per committed command, exactly once");
    assertTrue(report.lines().get(2).contains("aborted commands seen: 0"), report.lines().get(2));
  }

  @Test
  void commandsBecomeEvents() {
    assertEquals("order-3 placed", DemoRun.toEvent("place order-3"));
    assertEquals(DemoRun.END, DemoRun.toEvent(DemoRun.END));
  }
}
