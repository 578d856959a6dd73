package dev.shardraft.sample.demo;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where Kafka is: the system property {@value #PROPERTY}, else the environment variable {@value
 * #ENVIRONMENT}, else nothing (and the demo starts its own local Kafka).
 */
public final class BootstrapServers {

  public static final String PROPERTY = "shardraft.kafka.bootstrap-servers";
  public static final String ENVIRONMENT = "SHARDRAFT_KAFKA_BOOTSTRAP_SERVERS";

  private BootstrapServers() {}

  /**
   * The configured bootstrap servers, if any.
   *
   * @throws IllegalArgumentException if a setting is present but is not a comma-separated list of
   *     {@code host:port}
   */
  public static Optional<String> configured(
      Properties systemProperties, Map<String, String> environment) {
    String property = systemProperties.getProperty(PROPERTY);
    if (property != null) {
      return Optional.of(validated(property, "system property " + PROPERTY));
    }
    String variable = environment.get(ENVIRONMENT);
    if (variable != null) {
      return Optional.of(validated(variable, "environment variable " + ENVIRONMENT));
    }
    return Optional.empty();
  }

  private static String validated(String value, String source) {
    String trimmed = value.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException(
          source + " is set but empty; unset it to start a local Kafka");
    }
    for (String server : trimmed.split(",")) {
      if (!server.trim().matches("[^:\\s]+:\\d{1,5}")) {
        throw new IllegalArgumentException(
            source + " must be host:port[,host:port...], got '" + value + "'");
      }
    }
    return trimmed;
  }
}
