package dev.shardraft.runtime.metrics;

import dev.shardraft.runtime.ShardedRaftException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The client side of one family on this node: every ask and read by outcome, with its latency (from
 * the call to its completion, retries included), and every attempt that had to be retried, by why.
 * Tagged {@code family}; outcomes and reasons are small fixed sets.
 */
public final class ClientMeters {

  private final MeterRegistry registry;
  private final String family;

  ClientMeters(MeterRegistry registry, String family) {
    this.registry = registry;
    this.family = family;
  }

  /**
   * Records {@code call} (an {@code ask} or a {@code read}) when it completes.
   *
   * @return {@code call}, for chaining
   */
  public <T> CompletionStage<T> record(String kind, CompletionStage<T> call) {
    long started = System.nanoTime();
    call.whenComplete(
        (value, failure) ->
            Timer.builder("shardraft.client.calls")
                .description("asks and reads by outcome, from the call to its completion")
                .tags("family", family, "kind", kind, "outcome", outcome(failure))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - started)));
    return call;
  }

  /** One attempt of a call will be retried; {@code reason} is a retry reason or "no-answer". */
  public void retried(String reason) {
    Counter.builder("shardraft.client.retries")
        .description("attempts retried (at another replica or after a pause), by why")
        .tags("family", family, "reason", reason)
        .register(registry)
        .increment();
  }

  /** The outcome tag of a completed call. */
  static String outcome(Throwable failure) {
    if (failure == null) {
      return "ok";
    }
    Throwable f = failure;
    while (f instanceof CompletionException && f.getCause() != null) {
      f = f.getCause();
    }
    if (f instanceof ShardedRaftException e) {
      return kebab(e.getClass().getSimpleName());
    }
    return "error";
  }

  private static String kebab(String name) {
    return name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
