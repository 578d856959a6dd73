package dev.shardraft.kafka.log;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.KafkaConsumerActor;

/**
 * The parent of {@link SharedLogClients}' consumer actors: starts them, publishes each one in the
 * shared array, and starts a new one {@value #RESPAWN_MS} ms after one stopped (its {@code poll}
 * failed). Stopping the keeper stops them all.
 */
final class TailConsumerKeeper extends AbstractActor {
  static final long RESPAWN_MS = 200;

  private record Respawn(int slot) {}

  private final LoggingAdapter log = Logging.getLogger(getContext().getSystem(), this);
  private final ConsumerSettings<byte[], byte[]> settings;
  private final AtomicReferenceArray<ActorRef> consumers;
  private long generation;

  private TailConsumerKeeper(
      ConsumerSettings<byte[], byte[]> settings, AtomicReferenceArray<ActorRef> consumers) {
    this.settings = settings;
    this.consumers = consumers;
  }

  static Props props(
      ConsumerSettings<byte[], byte[]> settings, AtomicReferenceArray<ActorRef> consumers) {
    return Props.create(
        TailConsumerKeeper.class, () -> new TailConsumerKeeper(settings, consumers));
  }

  @Override
  public void preStart() {
    for (int k = 0; k < consumers.length(); k++) {
      spawn(k);
    }
  }

  @Override
  public void postStop() {
    for (int k = 0; k < consumers.length(); k++) {
      consumers.set(k, null);
    }
  }

  private void spawn(int k) {
    generation++;
    ActorRef consumer =
        getContext()
            .actorOf(KafkaConsumerActor.props(settings), "consumer-" + k + "-" + generation);
    getContext().watch(consumer);
    consumers.set(k, consumer);
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(Terminated.class, this::onTerminated)
        .match(Respawn.class, r -> spawn(r.slot()))
        .build();
  }

  private void onTerminated(Terminated t) {
    for (int k = 0; k < consumers.length(); k++) {
      if (t.actor().equals(consumers.get(k))) {
        consumers.set(k, null);
        log.warning(
            "shared tail consumer {} stopped (its tails fail and restart); a new one in {} ms",
            k,
            RESPAWN_MS);
        getContext()
            .getSystem()
            .scheduler()
            .scheduleOnce(
                Duration.ofMillis(RESPAWN_MS),
                getSelf(),
                new Respawn(k),
                getContext().getDispatcher(),
                getSelf());
      }
    }
  }
}
