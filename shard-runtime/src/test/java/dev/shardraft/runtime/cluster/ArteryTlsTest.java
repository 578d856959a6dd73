package dev.shardraft.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.shardraft.raft.serialization.CborSerializable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Artery TLS settings that docs/OPERATIONS.md gives, on a real loopback hop: two nodes whose
 * certificates their trust stores hold exchange messages over {@code tls-tcp} with mutual
 * authentication; a node with a certificate they do not trust cannot deliver anything to them. Keys
 * are made for the test by the JDK's own {@code keytool}.
 */
class ArteryTlsTest {

  record Note(String text) implements CborSerializable {}

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

  private static final String PASSWORD = "test-only-secret";
  @TempDir static Path keys;

  private final List<ActorSystem> systems = new ArrayList<>();
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

  /** A trusted node key (in {@code cluster.p12}), its trust store, and an untrusted key. */
  @BeforeAll
  static void makeKeys() throws Exception {
    keytool(
        "-genkeypair",
        "-alias",
        "node",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=shardraft-node",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keys.resolve("cluster.p12").toString(),
        "-storepass",
        PASSWORD);
    keytool(
        "-exportcert",
        "-alias",
        "node",
        "-keystore",
        keys.resolve("cluster.p12").toString(),
        "-storepass",
        PASSWORD,
        "-file",
        keys.resolve("node.crt").toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "node",
        "-file",
        keys.resolve("node.crt").toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        keys.resolve("trust.p12").toString(),
        "-storepass",
        PASSWORD);
    keytool(
        "-genkeypair",
        "-alias",
        "intruder",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=intruder",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keys.resolve("intruder.p12").toString(),
        "-storepass",
        PASSWORD);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }

  private ActorSystem start(String keyStore, String trustStore) {
    Config config =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "pekko.actor.provider = cluster",
                    "pekko.remote.artery.transport = tls-tcp",
                    "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                    "pekko.remote.artery.canonical.port = 0",
                    "pekko.remote.artery.ssl.config-ssl-engine {",
                    "  key-store = \"" + keys.resolve(keyStore) + "\"",
                    "  trust-store = \"" + keys.resolve(trustStore) + "\"",
                    "  key-store-password = \"" + PASSWORD + "\"",
                    "  key-password = \"" + PASSWORD + "\"",
                    "  trust-store-password = \"" + PASSWORD + "\"",
                    "  protocol = \"TLSv1.3\"",
                    "  require-mutual-authentication = on",
                    "}",
                    "pekko.coordinated-shutdown.exit-jvm = off"))
            .withFallback(ConfigFactory.load());
    ActorSystem system = ActorSystem.create("tls", config);
    systems.add(system);
    return system;
  }

  @AfterEach
  void stop() {
    systems.forEach(TestKit::shutdownActorSystem);
  }

  @Test
  void trustedNodesTalkOverMutualTlsAndAnUntrustedOneIsShutOut() throws Exception {
    ActorSystem receiver = start("cluster.p12", "trust.p12");
    receiver.actorOf(Props.create(Receiver.class, () -> new Receiver(received)), "receiver");
    String path = Cluster.get(receiver).selfAddress() + "/user/receiver";

    ActorSystem trusted = start("cluster.p12", "trust.p12");
    trusted.actorSelection(path).tell(new Note("over tls"), ActorRef.noSender());
    assertEquals(new Note("over tls"), received.poll(30, TimeUnit.SECONDS));

    // Its own certificate is in neither trust store: the handshake fails both ways.
    ActorSystem intruder = start("intruder.p12", "trust.p12");
    for (int i = 0; i < 5; i++) {
      intruder.actorSelection(path).tell(new Note("intruder " + i), ActorRef.noSender());
    }
    // Artery retries the failing handshake meanwhile (logged as bad_certificate).
    assertNull(received.poll(5, TimeUnit.SECONDS), "nothing from the untrusted node arrived");

    // The trusted association is unaffected.
    trusted.actorSelection(path).tell(new Note("still over tls"), ActorRef.noSender());
    assertEquals(new Note("still over tls"), received.poll(30, TimeUnit.SECONDS));
    Files.deleteIfExists(keys.resolve("node.crt"));
  }
}
