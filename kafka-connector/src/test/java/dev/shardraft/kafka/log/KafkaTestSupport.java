package dev.shardraft.kafka.log;

import dev.shardraft.raft.port.Bytes;
import dev.shardraft.raft.port.LogEntry;
import dev.shardraft.raft.port.RaftLog;
import dev.shardraft.raft.port.TailEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;

/** Helpers for the Kafka tests of kafka-connector: await with deadlines, read tails, entries. */
public final class KafkaTestSupport {

  public static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicInteger SHARDS = new AtomicInteger();

  private KafkaTestSupport() {}

  /** A fresh shard key per test, so tests on one cluster never share topics. */
  public static String uniqueShard(String prefix) {
    return prefix
        + "-"
        + SHARDS.incrementAndGet()
        + "-"
        + Long.toHexString(System.nanoTime() & 0xffffff);
  }

  /** Waits for {@code stage} at most {@link #TIMEOUT}; rethrows its failure's cause. */
  public static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Reads {@code log} from {@code from} up to and including the first event matching {@code last}.
   */
  public static List<TailEvent> readThrough(
      RaftLog log, long from, Predicate<TailEvent> last, ActorSystem system)
      throws InterruptedException, ExecutionException, TimeoutException {
    return log.tail(from)
        .takeWhile(e -> !last.test(e), true)
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reads the first {@code count} events of {@code log} from {@code from}. */
  public static List<TailEvent> read(RaftLog log, long from, int count, ActorSystem system)
      throws InterruptedException, ExecutionException, TimeoutException {
    return log.tail(from)
        .take(count)
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A command entry whose payload is {@code text} in UTF-8. */
  public static LogEntry command(long term, String leader, String client, long seq, String text) {
    return new LogEntry(term, leader, new LogEntry.Command(client, seq, Bytes.utf8(text)));
  }

  public static LogEntry barrier(long term, String leader) {
    return new LogEntry(term, leader, new LogEntry.Barrier());
  }

  /** The payload text of a committed command, or null for anything else. */
  public static String text(TailEvent event) {
    if (event instanceof TailEvent.Committed c
        && c.entry().body() instanceof LogEntry.Command cmd) {
      return cmd.payload().toUtf8();
    }
    return null;
  }

  /** Whether {@code event} is a committed command with payload {@code text}. */
  public static boolean isText(TailEvent event, String text) {
    return text.equals(text(event));
  }
}
