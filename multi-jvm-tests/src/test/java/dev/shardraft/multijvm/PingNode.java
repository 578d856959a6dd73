package dev.shardraft.multijvm;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.raft.serialization.CborSerializable;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * A cluster node for {@link ClusterWiringTest}: {@code seed <port>} starts a node that answers
 * pings; {@code joiner <port> <seedPort>} joins it, finds the answering actor through the
 * receptionist, pings it across the process boundary and exits 0 on the answer.
 */
public final class PingNode {

  /** Messages that cross the network: bound to Jackson CBOR through the marker. */
  public sealed interface PingProtocol extends CborSerializable {}

  public record Ping(String text, ActorRef<Pong> replyTo) implements PingProtocol {}

  public record Pong(String text, String answeredBy) implements CborSerializable {}

  static final ServiceKey<PingProtocol> KEY = ServiceKey.create(PingProtocol.class, "ping");

  private PingNode() {}

  public static void main(String[] args) {
    String role = args[0];
    int port = Integer.parseInt(args[1]);
    int seedPort = role.equals("seed") ? port : Integer.parseInt(args[2]);
    Config config =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "pekko.actor.provider = cluster",
                    "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                    "pekko.remote.artery.canonical.port = " + port,
                    "pekko.cluster.seed-nodes = [\"pekko://ping@127.0.0.1:" + seedPort + "\"]",
                    "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
                    "pekko.coordinated-shutdown.exit-jvm = off"))
            .withFallback(ConfigFactory.load());
    Behavior<Void> guardian = role.equals("seed") ? seed() : joiner();
    ActorSystem.create(guardian, "ping", config);
  }

  private static Behavior<Void> seed() {
    return Behaviors.setup(
        context -> {
          Behavior<PingProtocol> answer =
              Behaviors.receiveMessage(
                  message -> {
                    Ping ping = (Ping) message;
                    System.out.println(
                        "PING " + ping.text() + " from " + ping.replyTo().path().address());
                    ping.replyTo()
                        .tell(new Pong(ping.text(), context.getSystem().address().toString()));
                    return Behaviors.same();
                  });
          ActorRef<PingProtocol> ref = context.spawn(answer, "answer");
          context.getSystem().receptionist().tell(Receptionist.register(KEY, ref));
          System.out.println("READY " + context.getSystem().address());
          return Behaviors.empty();
        });
  }

  private static Behavior<Void> joiner() {
    return Behaviors.<Object>setup(
            context -> {
              ActorRef<Receptionist.Listing> listings =
                  context.messageAdapter(Receptionist.Listing.class, l -> l);
              context.getSystem().receptionist().tell(Receptionist.subscribe(KEY, listings));
              ActorRef<Pong> pongs = context.messageAdapter(Pong.class, p -> p);
              context.setReceiveTimeout(Duration.ofSeconds(60), "timeout");
              return Behaviors.receive(Object.class)
                  .onMessage(
                      Receptionist.Listing.class,
                      listing -> {
                        listing
                            .getServiceInstances(KEY)
                            .forEach(target -> target.tell(new Ping("hello-over-artery", pongs)));
                        return Behaviors.same();
                      })
                  .onMessage(
                      Pong.class,
                      pong -> {
                        System.out.println(
                            "PONG " + pong.text() + " answered by " + pong.answeredBy());
                        context.getSystem().terminate();
                        context.getSystem().getWhenTerminated().thenRun(() -> System.exit(0));
                        return Behaviors.stopped();
                      })
                  .onMessageEquals(
                      "timeout",
                      () -> {
                        System.out.println("NO-PONG within 60s");
                        System.exit(2);
                        return Behaviors.stopped();
                      })
                  .build();
            })
        .narrow();
  }
}
