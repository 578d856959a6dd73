package dev.shardraft.kafka.config;

/** The kind of Kafka client a property set is built for; each has an override block. */
public enum ClientRole {
  PRODUCER("producer"),
  CONSUMER("consumer"),
  ADMIN("admin");

  private final String configBlock;

  ClientRole(String configBlock) {
    this.configBlock = configBlock;
  }

  /** The name of the override block under {@code shardraft.kafka}. */
  public String configBlock() {
    return configBlock;
  }
}
