package dev.shardraft.sample.shop.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code shop.node} block of {@code shop-node.conf}, checked when read: a missing or wrong
 * value fails with a message naming its key.
 */
public record ShopNodeSettings(
    String name,
    String httpHost,
    int httpPort,
    int arteryPort,
    List<String> seeds,
    int ordersGroups,
    int inventoryGroups,
    int replicas,
    Duration askTimeout,
    String eventsTopic,
    boolean saga,
    Duration placeWait) {

  /** The configuration path this record reads. */
  public static final String PATH = "shop.node";

  public static ShopNodeSettings fromConfig(Config root) {
    Config c = root.getConfig(PATH);
    try {
      ShopNodeSettings s =
          new ShopNodeSettings(
              c.getString("name"),
              c.getString("http-host"),
              c.getInt("http-port"),
              c.getInt("artery-port"),
              Arrays.stream(c.getString("seeds").split(","))
                  .map(String::trim)
                  .filter(x -> !x.isEmpty())
                  .toList(),
              c.getInt("orders-groups"),
              c.getInt("inventory-groups"),
              c.getInt("replicas"),
              c.getDuration("ask-timeout"),
              c.getString("events-topic"),
              c.getBoolean("saga"),
              c.getDuration("place-wait"));
      s.check();
      return s;
    } catch (ConfigException e) {
      throw new IllegalArgumentException("shop.node: " + e.getMessage(), e);
    }
  }

  private void check() {
    range("http-port", httpPort, 0, 65535);
    range("artery-port", arteryPort, 0, 65535);
    range("orders-groups", ordersGroups, 1, 4096);
    range("inventory-groups", inventoryGroups, 1, 4096);
    range("replicas", replicas, 1, 7);
    for (String seed : seeds) {
      int colon = seed.lastIndexOf(':');
      if (colon < 1 || !seed.substring(colon + 1).matches("[0-9]{1,5}")) {
        throw new IllegalArgumentException(
            PATH + ".seeds: '" + seed + "' is not host:port (the value is host:port,host:port)");
      }
    }
    if (!eventsTopic.matches("[a-zA-Z0-9._-]+")) {
      throw new IllegalArgumentException(
          PATH + ".events-topic: '" + eventsTopic + "' is not a legal topic name");
    }
    if (placeWait.isNegative()) {
      throw new IllegalArgumentException(PATH + ".place-wait must be >= 0, was " + placeWait);
    }
    if (askTimeout.isNegative() || askTimeout.isZero()) {
      throw new IllegalArgumentException(PATH + ".ask-timeout must be > 0, was " + askTimeout);
    }
  }

  private static void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          PATH + "." + key + " must be in [" + min + ", " + max + "], was " + value);
    }
  }
}
