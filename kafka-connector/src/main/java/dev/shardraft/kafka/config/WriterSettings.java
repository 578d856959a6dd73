package dev.shardraft.kafka.config;

/**
 * Settings of the log writer ({@code shardraft.kafka.writer}).
 *
 * <p>There are no batch settings here: the leader's Raft core batches (one append in flight, at
 * most {@code maxBatchSize} commands per append, see {@code ReplicaSettings}), and the writer
 * commits each batch it is given in one transaction.
 *
 * @param openAttempts attempts of {@code initTransactions()} when it times out
 */
public record WriterSettings(int openAttempts) {

  public WriterSettings {
    if (openAttempts < 1) {
      throw new KafkaSettingsException(
          "shardraft.kafka.writer: need open-attempts >= 1, was " + openAttempts);
    }
  }
}
