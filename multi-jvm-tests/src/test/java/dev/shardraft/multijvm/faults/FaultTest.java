package dev.shardraft.multijvm.faults;

import dev.shardraft.kafka.local.LocalKafkaExtension;
import dev.shardraft.multijvm.harness.FaultCluster;
import dev.shardraft.multijvm.harness.FaultRun;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each fault alone, under load from six recorded clients, on three node JVMs and three brokers;
 * every history is checked (see {@link FaultRun#finish}).
 */
class FaultTest {
  @RegisterExtension static final LocalKafkaExtension KAFKA = LocalKafkaExtension.nodes(3);

  private static FaultRun run(String test) {
    return new FaultRun(test, KAFKA.kafka(), 3, "", 42, 100_000);
  }

  @Test
  void killNineOfTheNodeLeadingMostGroupsThenRestart() throws Exception {
    try (FaultRun run = run("kill-nine")) {
      run.start(6);
      FaultCluster c = run.cluster();
      FaultRun.sleep(Duration.ofSeconds(5));
      int victim = c.nodeLeadingMost();
      c.kill(victim);
      FaultRun.sleep(Duration.ofSeconds(8));
      c.start(victim);
      FaultRun.sleep(Duration.ofSeconds(5));
      run.assertValid(run.finish());
    }
  }
}
