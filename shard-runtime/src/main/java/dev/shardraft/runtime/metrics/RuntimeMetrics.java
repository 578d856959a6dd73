package dev.shardraft.runtime.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Objects;

/** Where one family's meters go on this node: the service's registry, or nowhere. */
public final class RuntimeMetrics {

  private final MeterRegistry registry;
  private final String family;
  private final ClientMeters client;

  private RuntimeMetrics(MeterRegistry registry, String family) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.family = family;
    this.client = new ClientMeters(registry, family);
  }

  /** Meters of {@code family}, registered in {@code registry}. */
  public static RuntimeMetrics of(MeterRegistry registry, String family) {
    return new RuntimeMetrics(registry, family);
  }

  /** Meters that go nowhere (a registry without backends records nothing). */
  public static RuntimeMetrics none(String family) {
    return new RuntimeMetrics(new CompositeMeterRegistry(), family);
  }

  /** New meters of one replica starting on this node; close them when it stops. */
  public ReplicaMeters replica(String group, String replica) {
    return new ReplicaMeters(registry, family, group, replica);
  }

  public ClientMeters client() {
    return client;
  }

  public MeterRegistry registry() {
    return registry;
  }
}
