package dev.shardraft.runtime.node;

import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.log.KafkaRaftLog;
import dev.shardraft.kafka.log.SharedLogClients;
import dev.shardraft.kafka.meta.StripedMetaStore;
import dev.shardraft.kafka.snapshot.KafkaSnapshotStore;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka clients of one node, shared by every replica the node hosts, as far as the
 * kafka-connector allows today:
 *
 * <ul>
 *   <li>one {@link StripedMetaStore} ({@code raft-meta}) for all replicas: {@code
 *       shardraft.kafka.meta.store-threads} stores, each a thread and a reader, which keep one
 *       fencing transactional producer per replica that saved recently;
 *   <li>one {@link KafkaSnapshotStore} for all groups;
 *   <li>one {@link SharedLogClients}: every replica's log tail is a {@code
 *       Consumer.plainExternalSource} on the node's one shared {@code KafkaConsumerActor}, and the
 *       logs of all groups share one admin client; a {@link KafkaRaftLog} per group that has a
 *       replica here (made when the first one starts, kept until the node stops) is a thin view on
 *       them. Every leader's writer is still its own transactional producer (see
 *       docs/RUNTIME-COST.md).
 * </ul>
 *
 * Closed when the actor system terminates (after every replica stopped). Thread-safe.
 */
public final class NodeKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeKafka.class);

  private final KafkaSettings settings;
  private final StripedMetaStore meta;
  private final KafkaSnapshotStore snapshots;
  private final SharedLogClients logClients;
  private final ConcurrentMap<String, KafkaRaftLog> logs = new ConcurrentHashMap<>();

  public NodeKafka(KafkaSettings settings, ClassicActorSystemProvider system) {
    this.settings = settings;
    this.meta = new StripedMetaStore(settings);
    this.snapshots = new KafkaSnapshotStore(settings);
    this.logClients = new SharedLogClients(settings, system, 1);
  }

  /**
   * Refuses a family that was deployed with more groups than {@code count}: a log topic {@code
   * raft-log-<family>-<n>} with {@code n >= count} exists (keys would move to other groups). A
   * family whose count grew cannot be told from one whose topics are still being created by another
   * node, so that is not detected.
   *
   * @throws IllegalStateException naming the topics found
   */
  public void checkGroupCount(String family, int count) {
    Pattern ours =
        Pattern.compile(Pattern.quote("raft-log-" + family + "-") + "(0|[1-9][0-9]{0,8})");
    Set<String> names;
    try (Admin admin = Admin.create(settings.adminProperties())) {
      names =
          admin
              .listTopics()
              .names()
              .get(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("listing the topics of family " + family + " failed", e);
    }
    List<String> beyond =
        names.stream()
            .filter(n -> ours.matcher(n).matches())
            .filter(
                n -> Integer.parseInt(n.substring(("raft-log-" + family + "-").length())) >= count)
            .sorted()
            .toList();
    if (!beyond.isEmpty()) {
      throw new IllegalStateException(
          "family "
              + family
              + " is configured with "
              + count
              + " groups, but the topics "
              + beyond
              + " exist: it was deployed with more groups. The group count of a deployed family"
              + " must never change (keys would move to other groups)");
    }
  }

  /** Creates (or checks) the log and snapshot topics of every group, and {@code raft-meta}. */
  public void ensureTopics(Collection<String> groups) {
    try (TopicAdmin admin = new TopicAdmin(settings)) {
      for (String g : groups) {
        admin.ensureShardTopics(g);
      }
    }
  }

  public KafkaSettings settings() {
    return settings;
  }

  public StripedMetaStore meta() {
    return meta;
  }

  public KafkaSnapshotStore snapshots() {
    return snapshots;
  }

  /** The log of {@code group} on this node. */
  public KafkaRaftLog log(String group) {
    return logs.computeIfAbsent(group, logClients::log);
  }

  @Override
  public void close() {
    for (KafkaRaftLog log : logs.values()) {
      try {
        log.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the log of {} failed", log.shard(), e);
      }
    }
    logClients.close();
    snapshots.close();
    meta.close();
  }
}
