package dev.shardraft.kafka.admin;

/**
 * An existing topic is set up in a way that can lose committed entries or break the log's contract;
 * shardraft refuses to run on it unless {@code shardraft.kafka.topics.allow-unsafe-topics = on}.
 * The message lists every problem found.
 */
public final class UnsafeTopicException extends IllegalStateException {

  public UnsafeTopicException(String message) {
    super(message);
  }
}
