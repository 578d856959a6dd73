package dev.shardraft.kafka.local;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints LocalKafka start-up times (until the cluster accepts a transactional producer) for 1-node
 * and 3-node clusters; a benchmark, not a test. Run:
 *
 * <pre>
 * mvn -B -q -pl kafka-connector test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.shardraft.kafka.local.LocalKafkaStartupFigures -Dexec.args=3
 * </pre>
 *
 * The argument is the number of runs per cluster size (default 3).
 */
public final class LocalKafkaStartupFigures {

  private LocalKafkaStartupFigures() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    BrokerClasspath.forBuildVersion(); // resolve once, outside the timings
    for (int nodes : new int[] {1, 3}) {
      List<Long> millis = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        try (LocalKafka kafka = LocalKafka.start(nodes)) {
          millis.add(kafka.startupTime().toMillis());
        }
      }
      List<Long> sorted = millis.stream().sorted().toList();
      System.out.printf(
          "LocalKafka %d node(s): start-up ms per run %s, median %d, min %d, max %d%n",
          nodes,
          millis,
          sorted.get(sorted.size() / 2),
          sorted.get(0),
          sorted.get(sorted.size() - 1));
    }
  }
}
