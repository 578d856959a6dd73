package dev.shardraft.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.raft.serialization.CborSerializable;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The serialization rule across a real network hop: two ActorSystems talking over Artery TCP on
 * loopback, with the serialization settings every shardraft node runs with. A message bound to
 * Jackson CBOR crosses; a plain {@link Serializable} one is refused by the sender and never reaches
 * the other node (Java serialization is off), and the association stays usable.
 */
class SerializationAcrossNodesTest {

  /** A message as shardraft's network messages are: a record bound to Jackson CBOR. */
  record Cbor(String text, long sequence) implements CborSerializable {}

  /** A message that only Java serialization could carry. */
  record JavaOnly(String text) implements Serializable {}

  /** Puts every message it receives into a queue the test reads. */
  static final class Receiver extends AbstractActor {
    private final BlockingQueue<Object> received;

    Receiver(BlockingQueue<Object> received) {
      this.received = received;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder().matchAny(received::add).build();
    }
  }

  private ActorSystem sender;
  private ActorSystem receiver;
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

  private static Config nodeConfig() {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.actor.provider = cluster",
                "pekko.remote.artery.transport = tcp",
                "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                "pekko.remote.artery.canonical.port = 0",
                "pekko.coordinated-shutdown.exit-jvm = off",
                "pekko.loglevel = INFO"))
        .withFallback(ConfigFactory.load());
  }

  @BeforeEach
  void startTwoNodes() {
    sender = ActorSystem.create("wire", nodeConfig());
    receiver = ActorSystem.create("wire", nodeConfig());
    receiver.actorOf(Props.create(Receiver.class, () -> new Receiver(received)), "receiver");
  }

  @AfterEach
  void stopNodes() {
    TestKit.shutdownActorSystem(sender);
    TestKit.shutdownActorSystem(receiver);
  }

  @Test
  void aNonJacksonMessageIsRefusedOnTheWireAndAJacksonOneCrosses() throws Exception {
    Address to = Cluster.get(receiver).selfAddress();
    ActorSelection remote = sender.actorSelection(to + "/user/receiver");

    // The association works: a CBOR message crosses and arrives intact.
    remote.tell(new Cbor("first", 1), org.apache.pekko.actor.ActorRef.noSender());
    assertEquals(new Cbor("first", 1), received.poll(30, TimeUnit.SECONDS));

    // A plain-Java message is refused by the sender's serialization; nothing is delivered.
    remote.tell(new JavaOnly("must not cross"), org.apache.pekko.actor.ActorRef.noSender());
    remote.tell(new Cbor("second", 2), org.apache.pekko.actor.ActorRef.noSender());

    // Artery keeps per-association order: had the Java message crossed, it would arrive first.
    assertEquals(new Cbor("second", 2), received.poll(30, TimeUnit.SECONDS));
    Object extra = received.poll(Duration.ofSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(null, extra, "nothing else arrived");
  }
}
