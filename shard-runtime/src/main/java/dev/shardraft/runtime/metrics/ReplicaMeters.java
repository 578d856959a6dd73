package dev.shardraft.runtime.metrics;

import dev.shardraft.raft.actor.ReplicaObserver;
import dev.shardraft.raft.core.AppliedEntry;
import dev.shardraft.raft.core.CommandOutcome;
import dev.shardraft.raft.core.RaftState;
import dev.shardraft.raft.core.Role;
import dev.shardraft.raft.core.apply.ApplyResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one running replica, fed by the replica itself as its {@link ReplicaObserver} (on
 * the replica's thread; the gauges are read by the registry on any thread). Tagged {@code family},
 * {@code group}, {@code replica}. {@link #close} removes them when the replica stops, so a replica
 * that moved to another node is reported only there.
 */
public final class ReplicaMeters implements ReplicaObserver, AutoCloseable {

  /**
   * The values of the {@code shardraft.replica.role} gauge (a pre-candidate counts as candidate).
   */
  public static final int FOLLOWER = 0;

  public static final int CANDIDATE = 1;
  public static final int LEADER = 2;

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final AtomicLong role = new AtomicLong(FOLLOWER);
  private final AtomicLong term = new AtomicLong();
  private final AtomicLong appliedIndex = new AtomicLong(-1);
  private final AtomicLong commitIndex = new AtomicLong(-1);
  private final Counter elected;
  private final Counter roleChanges;
  private final Counter skippedUndecodable;
  private final Counter skippedStaleTerm;
  private final Counter duplicates;
  private final Counter failedAppends;
  private final DistributionSummary batchSize;
  private final Timer commitLatency;

  ReplicaMeters(MeterRegistry registry, String family, String group, String replica) {
    this.registry = registry;
    Tags tags = Tags.of("family", family, "group", group, "replica", replica);
    gauge("shardraft.replica.role", tags, role, "0 follower, 1 candidate, 2 leader");
    gauge("shardraft.replica.term", tags, term, "the replica's current term");
    gauge("shardraft.replica.applied.index", tags, appliedIndex, "last log position applied (-1)");
    gauge(
        "shardraft.replica.commit.index",
        tags,
        commitIndex,
        "highest committed log position this replica knows of (its own appends as leader,"
            + " heartbeats as follower; -1 before any)");
    meters.add(
        Gauge.builder(
                "shardraft.replica.apply.lag",
                this,
                m -> Math.max(0, m.commitIndex.get() - m.appliedIndex.get()))
            .tags(tags)
            .description("committed positions not yet applied here")
            .register(registry));
    elected = counter("shardraft.replica.leader.elected", tags, "times this replica became leader");
    roleChanges = counter("shardraft.replica.role.changes", tags, "changes of role");
    skippedUndecodable =
        counter(
            "shardraft.replica.skipped",
            tags.and("reason", "undecodable"),
            "log records skipped by the apply rule");
    skippedStaleTerm =
        counter(
            "shardraft.replica.skipped",
            tags.and("reason", "stale-term"),
            "log records skipped by the apply rule");
    duplicates =
        counter(
            "shardraft.replica.duplicates",
            tags,
            "commands found already applied in their session (not applied again)");
    failedAppends =
        counter("shardraft.replica.append.failures", tags, "batches whose append failed");
    batchSize =
        register(
            DistributionSummary.builder("shardraft.replica.batch.size")
                .tags(tags)
                .description("entries per appended batch (leader)")
                .baseUnit("entries")
                .register(registry));
    commitLatency =
        register(
            Timer.builder("shardraft.replica.commit.latency")
                .tags(tags)
                .description("from issuing a batch's append to its commit (leader)")
                // No percentile histogram per replica: with 1,024 groups it would be ~200k series.
                // The client's per-family timer carries the latency distribution.
                .register(registry));
  }

  @Override
  public void stepped(RaftState state) {
    term.set(state.term());
    appliedIndex.set(state.appliedIndex());
    role.set(roleValue(state.role()));
    if (state.role() instanceof Role.Leader l) {
      commitIndex.accumulateAndGet(l.commitIndex(), Math::max);
    }
  }

  @Override
  public void roleChanged(RaftState before, RaftState after) {
    roleChanges.increment();
    if (after.role() instanceof Role.Leader) {
      elected.increment();
    }
  }

  @Override
  public void commitIndexLearned(long index) {
    commitIndex.accumulateAndGet(index, Math::max);
  }

  @Override
  public void applied(ApplyResult result) {
    if (result.what() instanceof AppliedEntry.Skipped s) {
      (s.reason().startsWith("undecodable") ? skippedUndecodable : skippedStaleTerm).increment();
    } else if (result.what() instanceof AppliedEntry.CommandDecided d
        && d.outcome() instanceof CommandOutcome.Success ok
        && ok.duplicate()) {
      duplicates.increment();
    }
    // What this replica applied was committed, whatever it heard in heartbeats.
    commitIndex.accumulateAndGet(result.index(), Math::max);
  }

  @Override
  public void appended(int entries, long elapsedMs, boolean succeeded) {
    if (succeeded) {
      batchSize.record(entries);
      commitLatency.record(elapsedMs, TimeUnit.MILLISECONDS);
    } else {
      failedAppends.increment();
    }
  }

  /** Removes this replica's meters from the registry. */
  @Override
  public void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }

  private static int roleValue(Role r) {
    if (r instanceof Role.Leader) {
      return LEADER;
    }
    return r instanceof Role.Candidate || r instanceof Role.PreCandidate ? CANDIDATE : FOLLOWER;
  }

  private void gauge(String name, Tags tags, AtomicLong value, String description) {
    meters.add(
        Gauge.builder(name, value, AtomicLong::get)
            .tags(tags)
            .description(description)
            .register(registry));
  }

  private Counter counter(String name, Tags tags, String description) {
    return register(Counter.builder(name).tags(tags).description(description).register(registry));
  }

  private <M extends Meter> M register(M meter) {
    meters.add(meter);
    return meter;
  }
}
