package dev.shardraft.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What LocalKafka leaves behind: nothing, after close() and after a failed start. */
class LocalKafkaLifecycleTest {

  @Test
  void closeLeavesNoProcessAndNoDirectory() {
    LocalKafka kafka = LocalKafka.start(1);
    List<ProcessHandle> processes = kafka.processes();
    Path directory = kafka.directory();
    assertEquals(1, processes.size(), "one running node");
    assertTrue(processes.get(0).isAlive());
    assertTrue(Files.isDirectory(directory.resolve("node-0").resolve("data")));

    kafka.close();

    Await.until(
        "every node process to be gone",
        Duration.ofSeconds(10),
        () -> processes.stream().noneMatch(ProcessHandle::isAlive));
    assertFalse(Files.exists(directory), "directory removed: " + directory);
    assertTrue(kafka.processes().isEmpty());
    assertThrows(IllegalStateException.class, () -> kafka.kill(0), "a closed cluster refuses work");
    kafka.close(); // idempotent
  }

  @Test
  void stopEndsEveryNodeGracefullyAndKeepsItsDataUntilClose() {
    try (LocalKafka kafka = LocalKafka.start(1)) {
      List<ProcessHandle> processes = kafka.processes();

      kafka.stop();

      assertTrue(processes.stream().noneMatch(ProcessHandle::isAlive), "no node runs after stop");
      assertFalse(kafka.isRunning(0));
      assertTrue(
          Files.isDirectory(kafka.directory().resolve("node-0").resolve("data")), "data kept");
      String serverLog = readString(kafka.directory().resolve("node-0").resolve("server.log"));
      assertTrue(serverLog.contains("shut down completed"), "a graceful shutdown, not a kill");

      kafka.restart(0);
      assertTrue(kafka.isRunning(0), "a stopped one-node cluster can be started again");
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aNodeThatCannotStartIsReportedWithItsLogAndNothingIsLeftBehind() {
    LocalKafkaException failure =
        assertThrows(
            LocalKafkaException.class,
            () ->
                LocalKafka.builder()
                    .brokerProperty("num.io.threads", "not-a-number")
                    .startTimeout(Duration.ofSeconds(90))
                    .start());

    String message = failure.getMessage();
    assertTrue(message.contains("Kafka node 0 did not start"), message);
    assertTrue(
        message.contains("num.io.threads"), "the log tail names the bad property: " + message);
    Matcher directory = Pattern.compile("(/\\S*shardraft-kafka-\\d+)/node-0/").matcher(message);
    assertTrue(directory.find(), "the message names the node's directory: " + message);
    assertFalse(
        Files.exists(Path.of(directory.group(1))), "directory removed: " + directory.group(1));
  }

  @Test
  void aPortTakenByAnotherProcessIsRetriedThenReported() throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket busyToo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      LocalKafkaException failure =
          assertThrows(
              LocalKafkaException.class,
              () ->
                  LocalKafka.builder()
                      .brokerProperty(
                          "listeners",
                          "PLAINTEXT://127.0.0.1:"
                              + busy.getLocalPort()
                              + ",CONTROLLER://127.0.0.1:"
                              + busyToo.getLocalPort())
                      .startAttempts(2)
                      .startTimeout(Duration.ofSeconds(90))
                      .start());
      assertTrue(failure.getMessage().contains("Address already in use"), failure.getMessage());
      assertTrue(failure.getMessage().contains("gave up after 2 attempts"), failure.getMessage());
      Matcher directory =
          Pattern.compile("(/\\S*shardraft-kafka-\\d+)/node-0/").matcher(failure.getMessage());
      assertTrue(directory.find(), failure.getMessage());
      assertFalse(
          Files.exists(Path.of(directory.group(1))), "directory removed: " + directory.group(1));
    }
  }

  @Test
  void badBuilderInputIsRefusedBeforeAnythingStarts() {
    assertThrows(IllegalArgumentException.class, () -> LocalKafka.builder().nodes(0));
    assertThrows(IllegalArgumentException.class, () -> LocalKafka.builder().heap("lots"));
    assertThrows(IllegalArgumentException.class, () -> LocalKafka.builder().startAttempts(0));
  }
}
