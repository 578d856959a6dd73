package dev.shardraft.sample.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BootstrapServersTest {

  private static Properties property(String value) {
    Properties properties = new Properties();
    properties.setProperty(BootstrapServers.PROPERTY, value);
    return properties;
  }

  @Test
  void nothingConfiguredMeansStartALocalKafka() {
    assertEquals(Optional.empty(), BootstrapServers.configured(new Properties(), Map.of()));
  }

  @Test
  void theSystemPropertyWinsOverTheEnvironment() {
    assertEquals(
        Optional.of("a:9092,b:9093"),
        BootstrapServers.configured(
            property(" a:9092,b:9093 "), Map.of(BootstrapServers.ENVIRONMENT, "c:1")));
    assertEquals(
        Optional.of("c:1"),
        BootstrapServers.configured(new Properties(), Map.of(BootstrapServers.ENVIRONMENT, "c:1")));
  }

  @Test
  void malformedSettingsAreRefusedWithTheirSource() {
    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class,
            () -> BootstrapServers.configured(property("  "), Map.of()));
    assertTrue(empty.getMessage().contains(BootstrapServers.PROPERTY), empty.getMessage());
    IllegalArgumentException noPort =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BootstrapServers.configured(
                    new Properties(), Map.of(BootstrapServers.ENVIRONMENT, "kafka")));
    assertTrue(noPort.getMessage().contains(BootstrapServers.ENVIRONMENT), noPort.getMessage());
  }
}
