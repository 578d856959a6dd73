package dev.shardraft.kafka.local;

/** A local Kafka cluster could not be started, restarted or removed; the message says why. */
public final class LocalKafkaException extends RuntimeException {

  public LocalKafkaException(String message) {
    super(message);
  }

  public LocalKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
