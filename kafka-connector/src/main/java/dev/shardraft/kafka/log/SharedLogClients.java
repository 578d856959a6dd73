package dev.shardraft.kafka.log;

import dev.shardraft.kafka.config.KafkaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The Kafka clients that the logs of many groups on one node share, so that a group added to the
 * node adds no Kafka consumer, no admin client, no thread and no connection:
 *
 * <ul>
 *   <li>a fixed number ({@code tailConsumers}, usually 1) of Pekko Connectors {@code
 *       KafkaConsumerActor}s. Every tail of every log made by {@link #log} is a {@code
 *       Consumer.plainExternalSource} on one of them (chosen by the topic's hash), on a manual
 *       assignment of its partition at its start offset, {@code read_committed}, {@code
 *       auto.offset.reset=none}. The consumer actor pauses the partitions whose tail has not asked
 *       for more, so each tail keeps its own back-pressure; one {@code poll} serves every
 *       partition;
 *   <li>one admin client, with {@value #ADMIN_THREADS} threads for its blocking calls (log start
 *       and end queries when a tail starts, {@code deleteRecords}).
 * </ul>
 *
 * <p><b>Failure.</b> A consumer actor stops when its {@code poll} throws, and fails every tail on
 * it with that exception (Pekko Connectors). In particular a tail whose position fell below the log
 * start ({@code OffsetOutOfRangeException}, only with log deletion on) fails the others on the same
 * consumer too: that one becomes {@code LogTruncatedException}, the others a plain failure, and
 * every replica restarts its tail where it was (raft-actors' {@code LogTail}), nothing skipped. The
 * consumer actor is started again {@value TailConsumerKeeper#RESPAWN_MS} ms after it stopped; a
 * tail started in between fails and is restarted the same way.
 *
 * <p><b>One tail per partition per consumer.</b> A Kafka consumer has one position per partition,
 * and Pekko Connectors' consumer actor hands a partition's records to one stage only (a second
 * stage's request for the same partition takes it from the first, "already requested by other
 * stage", and each then sees only part of the log). So a partition is taken on a consumer while a
 * tail reads it there and given back when that tail's stage has stopped; a second tail of the same
 * partition meanwhile (two replicas of one group on this node, when there are fewer nodes than
 * replicas) goes to another shared consumer, or, if each already reads that partition, to a Kafka
 * consumer of its own ({@link #ownConsumerTails()} counts those).
 *
 * <p><b>Partitions stay assigned</b> to a consumer after their tail ended (Pekko Connectors has no
 * unassign): paused, they are not fetched, but the consumer keeps their metadata. A node that saw
 * many replicas come and go holds that many idle assignments until the node restarts.
 *
 * <p>Close it after every log made from it is no longer used.
 */
public final class SharedLogClients implements AutoCloseable {
  static final int ADMIN_THREADS = 2;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final KafkaSettings settings;
  private final Admin admin;
  private final ExecutorService adminThreads;
  private final AtomicReferenceArray<ActorRef> consumers;
  private final ActorRef keeper;
  private final ConsumerSettings<byte[], byte[]> tailSettings;
  // Per shared consumer: the partitions a running tail reads on it (at most one tail each).
  private final List<Set<TopicPartition>> tailing;
  private final AtomicLong ownConsumerTails = new AtomicLong();

  /**
   * @param tailConsumers how many Kafka consumers the tails share (at least 1)
   */
  public SharedLogClients(
      KafkaSettings settings, ClassicActorSystemProvider system, int tailConsumers) {
    if (tailConsumers < 1) {
      throw new IllegalArgumentException("tailConsumers must be >= 1, was " + tailConsumers);
    }
    this.settings = settings;
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.admin = Admin.create(settings.adminProperties());
    this.adminThreads =
        Executors.newFixedThreadPool(
            ADMIN_THREADS,
            r -> {
              Thread t =
                  new Thread(
                      r, "shardraft-log-admin-" + instance + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.consumers = new AtomicReferenceArray<>(tailConsumers);
    this.tailSettings = KafkaRaftLog.tailSettings(settings, system);
    List<Set<TopicPartition>> perConsumer = new ArrayList<>();
    for (int k = 0; k < tailConsumers; k++) {
      perConsumer.add(ConcurrentHashMap.newKeySet());
    }
    this.tailing = List.copyOf(perConsumer);
    // A system actor: a typed ActorSystem with its own user guardian refuses top-level actors.
    this.keeper =
        ((ExtendedActorSystem) system.classicSystem())
            .systemActorOf(
                TailConsumerKeeper.props(tailSettings, consumers),
                "shardraft-log-tails-" + instance);
  }

  /** The log of {@code shard} on these clients (closing it closes nothing). */
  public KafkaRaftLog log(String shard) {
    return new KafkaRaftLog(
        shard, settings, new KafkaRaftLog.Clients(this::tailFrom, admin, adminThreads, () -> {}));
  }

  /** How many consumers the tails share. */
  public int tailConsumers() {
    return consumers.length();
  }

  /**
   * A tail of {@code partition} from {@code offset}: on the first shared consumer (starting at the
   * topic's hash) on which no other running tail reads that partition, else on a consumer of its
   * own. The partition is taken on that consumer when the source is materialized and given back
   * when its stage has stopped ({@code Control.isShutdown}).
   */
  private Source<ConsumerRecord<byte[], byte[]>, ?> tailFrom(
      TopicPartition partition, long offset) {
    return Source.fromMaterializer((materializer, attributes) -> place(partition, offset));
  }

  private Source<ConsumerRecord<byte[], byte[]>, NotUsed> place(
      TopicPartition partition, long offset) {
    int n = consumers.length();
    int first = Math.floorMod(partition.topic().hashCode(), n);
    for (int i = 0; i < n; i++) {
      int k = (first + i) % n;
      Set<TopicPartition> taken = tailing.get(k);
      if (taken.add(partition)) {
        ActorRef consumer = consumers.get(k);
        if (consumer == null) {
          taken.remove(partition);
          return Source.failed(
              new IllegalStateException(
                  "the shared tail consumer " + k + " is being restarted; retry the tail"));
        }
        Source<ConsumerRecord<byte[], byte[]>, Consumer.Control> shared =
            Consumer.plainExternalSource(
                consumer, Subscriptions.assignmentWithOffset(partition, offset));
        return shared.mapMaterializedValue(
            control -> {
              control.isShutdown().whenComplete((done, e) -> taken.remove(partition));
              return NotUsed.getInstance();
            });
      }
    }
    // Every shared consumer already tails this partition for another reader (two replicas of one
    // group on this node): one consumer has one position per partition, so this tail gets a Kafka
    // consumer of its own.
    ownConsumerTails.incrementAndGet();
    Source<ConsumerRecord<byte[], byte[]>, Consumer.Control> own =
        Consumer.plainSource(tailSettings, Subscriptions.assignmentWithOffset(partition, offset));
    return own.mapMaterializedValue(control -> NotUsed.getInstance());
  }

  /**
   * How many tails so far ran on a Kafka consumer of their own because the shared ones were all
   * reading their partition for another tail.
   */
  public long ownConsumerTails() {
    return ownConsumerTails.get();
  }

  @Override
  public void close() {
    keeper.tell(PoisonPill.getInstance(), ActorRef.noSender());
    adminThreads.shutdown();
    admin.close(settings.operationTimeout());
  }
}
