package dev.shardraft.sample.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shardraft.raft.memory.InMemoryRaftLog;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.LogFencedException;
import dev.shardraft.raft.port.LogWriter;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The zombie helper on the in-memory log, which fences and closes writers like Kafka's. */
class RetainingRaftLogTest {

  private static final List<LogEntry> BATCH =
      List.of(new LogEntry(1, "r1", new LogEntry.Barrier()));

  private static List<Long> append(LogWriter w) throws Exception {
    return w.append(BATCH).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Throwable failure(LogWriter w) {
    return assertThrows(ExecutionException.class, () -> append(w)).getCause();
  }

  @Test
  void withoutRetainingACloseReachesTheWriter() throws Exception {
    RetainingRaftLog log = new RetainingRaftLog(new InMemoryRaftLog("s"));
    LogWriter seen = log.openWriter(1, "r1").toCompletableFuture().get();
    seen.close();
    assertInstanceOf(IllegalStateException.class, failure(log.retained().orElseThrow()), "closed");
  }

  @Test
  void aRetainedWriterOutlivesTheReplicasCloseUntilANewerWriterFencesIt() throws Exception {
    RetainingRaftLog log = new RetainingRaftLog(new InMemoryRaftLog("s"));
    LogWriter seen = log.openWriter(1, "r1").toCompletableFuture().get();
    log.retainOnClose();
    seen.close(); // what the stopping replica does
    LogWriter zombie = log.retained().orElseThrow();
    assertEquals(1, append(zombie).size(), "still open: a paused process's producer");
    log.openWriter(2, "r2").toCompletableFuture().get();
    assertInstanceOf(LogFencedException.class, failure(zombie));
  }
}
