package dev.shardraft.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two real JVMs form a Pekko Cluster on loopback and exchange a message that can only travel as
 * Jackson CBOR (Java serialization is off): the wiring every later multi-node test relies on.
 */
class ClusterWiringTest {

  @Test
  void twoNodeJvmsFormAClusterAndTalkCbor() throws Exception {
    int seedPort = freePort();
    int joinerPort = freePort();
    try (NodeProcess seed = NodeProcess.start("seed", PingNode.class, "seed", "" + seedPort)) {
      seed.awaitLine(l -> l.startsWith("READY"), Duration.ofSeconds(60));
      try (NodeProcess joiner =
          NodeProcess.start("joiner", PingNode.class, "joiner", "" + joinerPort, "" + seedPort)) {
        assertEquals(0, joiner.awaitExit(Duration.ofSeconds(90)), "joiner exit code");
        assertTrue(
            joiner.output().stream()
                .anyMatch(
                    l ->
                        l.equals(
                            "PONG hello-over-artery answered by pekko://ping@127.0.0.1:"
                                + seedPort)),
            "joiner output: " + joiner.output());
        seed.awaitLine(
            l -> l.equals("PING hello-over-artery from pekko://ping@127.0.0.1:" + joinerPort),
            Duration.ofSeconds(10));
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
