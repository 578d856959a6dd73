package dev.shardraft.sample.demo;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one {@link RaftGroupRun} measured and found, from the replicas' own states.
 *
 * @param acknowledged commands the clients got an acknowledgement for
 * @param appliedOnce per replica, acknowledged commands its state holds exactly once, at the
 *     acknowledged index
 * @param appliedTwice acknowledged commands some replica holds more than once
 * @param lost acknowledged commands some replica does not hold
 * @param sameState whether every replica's whole state is equal
 * @param startMillis from the start of the group (topics checked, three replicas spawned) until
 *     every replica had loaded its term, vote and snapshot from Kafka
 * @param electionMillis from the start of the group to a ready leader (barrier applied) that
 *     every replica follows
 * @param failoverMillis from the leader's stop to the first acknowledgement by the new leader
 * @param clients client threads sending commands
 * @param streamMillis from the first command sent to the last acknowledged
 * @param retries sends answered "retry" or not at all
 * @param eventsProjected events of this run in the events topic (-1: projection not run)
 * @param eventsExpected accepted commands, each of which yields one event
 */
public record RaftGroupReport(int acknowledged, Map<String, Integer> appliedOnce,
    int appliedTwice, int lost, boolean sameState, long startMillis, long electionMillis, long failoverMillis,
    int clients, long streamMillis, long retries, long eventsProjected, long eventsExpected) {

  /** The run found nothing wrong. */
  public boolean clean() {
    return appliedTwice == 0 && lost == 0 && sameState
        && appliedOnce.values().stream().allMatch(n -> n == acknowledged)
        && eventsProjected == eventsExpected;
  }

  /** The closing lines. */
  public List<String> lines() {
    String replicas = String.join("/", appliedOnce.keySet());
    String counts = appliedOnce.values().stream().map(String::valueOf)
        .collect(Collectors.joining("/"));
    double perSecond = streamMillis == 0 ? 0 : acknowledged * 1000.0 / streamMillis;
    return List.of(
        String.format("Figures: group started in %d ms, leader ready after %d ms, failover (leader stop -> first ack of the new "
            + "leader) %d ms, %d commands in %d ms = %.0f commands/s (%d clients, failover "
            + "included), %d retries", startMillis, electionMillis, failoverMillis, acknowledged, streamMillis,
            perSecond, clients, retries),
        "Events projected exactly once into orders-events: " + eventsProjected + " (expected "
            + eventsExpected + ")",
        "Replica states identical: " + (sameState ? "yes" : "NO"),
        "commands acknowledged: " + acknowledged + ", applied on " + replicas + ": " + counts
            + ", applied twice: " + appliedTwice + ", lost: " + lost);
  }
}
