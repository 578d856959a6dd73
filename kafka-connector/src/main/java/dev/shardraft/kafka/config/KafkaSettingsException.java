package dev.shardraft.kafka.config;

/** The {@code shardraft.kafka} configuration is invalid or asks for an unsafe client setting. */
public final class KafkaSettingsException extends IllegalArgumentException {

  public KafkaSettingsException(String message) {
    super(message);
  }

  public KafkaSettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
