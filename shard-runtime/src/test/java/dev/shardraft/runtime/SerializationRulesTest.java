package dev.shardraft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.raft.serialization.CborSerializable;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The project's serialization ground rule, checked against Pekko's real serialization setup. */
class SerializationRulesTest {

  record Hello(
      String text,
      long sequence,
      Optional<String> note,
      List<Integer> numbers,
      ActorRef<String> replyTo)
      implements CborSerializable {}

  record PlainJava(String text) implements Serializable {}

  private static ActorTestKit testKit;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("serialization-rules");
    serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void networkMessagesAreWrittenWithJacksonCbor() throws Exception {
    TestProbe<String> probe = testKit.createTestProbe();
    Hello hello = new Hello("hi", 7, Optional.of("n"), List.of(1, 2), probe.ref());

    var serializer = serialization.findSerializerFor(hello);
    assertEquals(JacksonCborSerializer.class, serializer.getClass());

    byte[] bytes = serialization.serialize(hello).get();
    Object back =
        serialization
            .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, hello))
            .get();
    assertEquals(hello, back);
  }

  @Test
  void javaSerializationIsDisabled() {
    Throwable failure = serialization.serialize(new PlainJava("x")).failed().get();
    assertTrue(
        failure instanceof NotSerializableException
            || failure.getClass().getName().contains("JavaSerializationException"),
        "expected a refusal of Java serialization, got " + failure);
    assertThrows(Exception.class, () -> serialization.serialize(new PlainJava("x")).get());
  }
}
