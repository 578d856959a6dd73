package dev.shardraft.kafka.config;

/**
 * A Kafka operation failed for good (after retries where they made sense); the message says which.
 */
public final class KafkaOperationException extends RuntimeException {

  public KafkaOperationException(String message, Throwable cause) {
    super(message, cause);
  }
}
