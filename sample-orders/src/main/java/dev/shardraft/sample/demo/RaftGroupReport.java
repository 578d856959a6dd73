package dev.shardraft.sample.demo;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one {@link RaftGroupRun} found in the replicas' own states, and what it measured.
 *
 * @param acknowledged commands the clients got an acknowledgement for
 * @param appliedOnce per replica, acknowledged commands its state holds exactly once, at the
 *     acknowledged index
 * @param appliedTwice acknowledged commands some replica holds more than once
 * @param lost acknowledged commands some replica does not hold (or holds at another index)
 * @param sameState whether every replica's whole state is equal
 * @param eventsProjected events of this run in the events topic
 * @param eventsExpected accepted commands, each of which yields one event
 * @param figures the timings
 */
public record RaftGroupReport(
    int acknowledged,
    Map<String, Integer> appliedOnce,
    int appliedTwice,
    int lost,
    boolean sameState,
    long eventsProjected,
    long eventsExpected,
    Figures figures) {

  /**
   * Timings of one run.
   *
   * @param startMillis from the start of the group (topics checked, three replicas spawned) until
   *     every replica had loaded its term, vote and snapshot from Kafka
   * @param electionMillis from the start of the group to a ready leader (barrier applied) that
   *     every replica follows
   * @param failoverMillis from the leader's stop to the first acknowledgement by the new leader
   * @param clients client threads sending commands, one command at a time each
   * @param beforeStop commands acknowledged when the leader was stopped
   * @param beforeStopMillis from the first command sent to the leader's stop
   * @param streamMillis from the first command sent to the last acknowledged
   * @param retries sends answered "retry" or not at all
   */
  public record Figures(
      long startMillis,
      long electionMillis,
      long failoverMillis,
      int clients,
      int beforeStop,
      long beforeStopMillis,
      long streamMillis,
      long retries) {}

  /** The run found nothing wrong. */
  public boolean clean() {
    return appliedTwice == 0
        && lost == 0
        && sameState
        && appliedOnce.values().stream().allMatch(n -> n == acknowledged)
        && eventsProjected == eventsExpected;
  }

  /** The closing lines; the last is the verdict. */
  public List<String> lines() {
    Figures f = figures;
    String replicas = String.join("/", appliedOnce.keySet());
    String counts =
        appliedOnce.values().stream().map(String::valueOf).collect(Collectors.joining("/"));
    return List.of(
        String.format(
            "Figures: group started in %d ms, leader ready after %d ms; failover "
                + "(leader stop -> first ack of the new leader) %d ms; %d clients: %d commands in %d "
                + "ms = %.0f/s before the stop, %d in %d ms = %.0f/s overall; %d retries",
            f.startMillis(),
            f.electionMillis(),
            f.failoverMillis(),
            f.clients(),
            f.beforeStop(),
            f.beforeStopMillis(),
            perSecond(f.beforeStop(), f.beforeStopMillis()),
            acknowledged,
            f.streamMillis(),
            perSecond(acknowledged, f.streamMillis()),
            f.retries()),
        "Events projected exactly once into "
            + RaftGroupRun.EVENTS_TOPIC
            + ": "
            + eventsProjected
            + " (expected "
            + eventsExpected
            + ")",
        "Replica states identical: " + (sameState ? "yes" : "NO"),
        "commands acknowledged: "
            + acknowledged
            + ", applied on "
            + replicas
            + ": "
            + counts
            + ", applied twice: "
            + appliedTwice
            + ", lost: "
            + lost);
  }

  private static double perSecond(long n, long millis) {
    return millis == 0 ? 0 : n * 1000.0 / millis;
  }
}
