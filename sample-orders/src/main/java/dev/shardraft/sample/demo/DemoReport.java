package dev.shardraft.sample.demo;

import java.util.List;

/**
 * What one {@link DemoRun} did.
 *
 * @param brokers the number of brokers in the cluster
 * @param commandsTopic the topic the commands were written to
 * @param eventsTopic the topic the events were projected into
 * @param committedWritten commands written in committed transactions (before the end marker)
 * @param abortedWritten commands written in the aborted transaction
 * @param committedRead commands read back with read_committed (before the end marker)
 * @param abortedRead aborted commands that read_committed returned (must be 0)
 * @param firstOffset the offset of the first command read (-1 if none)
 * @param lastOffset the offset of the last command read (-1 if none)
 * @param endMarkerOffset the offset of the end marker: more than the record count, because aborted
 *     records and transaction markers take offsets too
 * @param eventsRead events read back from the projection (before its end marker)
 * @param writeMillis time for the transactional writes
 * @param readMillis time for the read_committed read
 * @param projectMillis time for the exactly-once projection until its last event was readable
 */
public record DemoReport(
    int brokers,
    String commandsTopic,
    String eventsTopic,
    int committedWritten,
    int abortedWritten,
    int committedRead,
    int abortedRead,
    long firstOffset,
    long lastOffset,
    long endMarkerOffset,
    int eventsRead,
    long writeMillis,
    long readMillis,
    long projectMillis) {

  /** Human-readable lines for the console. */
  public List<String> lines() {
    return List.of(
        "Kafka cluster: " + brokers + " broker(s)",
        "Transactional write: "
            + committedWritten
            + " order commands committed and "
            + abortedWritten
            + " aborted in topic "
            + commandsTopic
            + " ("
            + writeMillis
            + " ms)",
        "read_committed read (Pekko Consumer.plainSource, manual assignment): "
            + committedRead
            + " commands, offsets "
            + firstOffset
            + " to "
            + lastOffset
            + ", end marker at "
            + endMarkerOffset
            + ", aborted commands seen: "
            + abortedRead
            + " ("
            + readMillis
            + " ms)",
        "Exactly-once projection (Pekko Transactional.source -> Transactional.sink): "
            + eventsRead
            + " events in topic "
            + eventsTopic
            + " ("
            + projectMillis
            + " ms)");
  }
}
