package dev.shardraft.runtime.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.shardraft.raft.actor.ReplicaProtocol;
import dev.shardraft.raft.actor.ReplicaProtocol.GetStatus;
import dev.shardraft.raft.actor.ReplicaProtocol.Submit;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferLeadership;
import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.port.Bytes;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every message that reaches a replica entity over the network round-trips through Jackson CBOR,
 * the wrapped replica message keeping its concrete type (Java serialization being off is checked by
 * {@code SerializationRulesTest}).
 */
class ReplicaEntitySerializationTest {

  private static ActorTestKit testKit;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("entity-serialization");
    serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Object roundTrip(Object message) {
    var serializer = serialization.findSerializerFor(message);
    assertEquals(JacksonCborSerializer.class, serializer.getClass(), message.toString());
    byte[] bytes = serialization.serialize(message).get();
    return serialization
        .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
        .get();
  }

  @Test
  void wrappedReplicaMessagesKeepTheirType() {
    var statusProbe = testKit.<ReplicaProtocol.Status>createTestProbe();
    var submitProbe = testKit.<ReplicaProtocol.SubmitReply>createTestProbe();
    var transferProbe = testKit.<ReplicaProtocol.TransferReply>createTestProbe();
    var readProbe = testKit.<ReplicaProtocol.ReadReply>createTestProbe();
    ReplicaProtocol.Command[] inner = {
      new ReplicaProtocol.PeerMessage(new RaftMessage.TimeoutNow(4, "r1")),
      new Submit("c/1", 3, Bytes.of(new byte[] {1, 2}), submitProbe.ref()),
      new ReplicaProtocol.Read(ReadMode.STALE, Bytes.of(new byte[] {9}), readProbe.ref()),
      new TransferLeadership("r2", transferProbe.ref()),
      new GetStatus(statusProbe.ref())
    };
    for (ReplicaProtocol.Command m : inner) {
      ReplicaEntity.Deliver back =
          assertInstanceOf(ReplicaEntity.Deliver.class, roundTrip(new ReplicaEntity.Deliver(m)));
      assertEquals(m, back.command());
      assertEquals(m.getClass(), back.command().getClass());
    }
    assertEquals(ReplicaEntity.KeepAlive.INSTANCE, roundTrip(ReplicaEntity.KeepAlive.INSTANCE));
    assertEquals(ReplicaEntity.HandOff.INSTANCE, roundTrip(ReplicaEntity.HandOff.INSTANCE));
  }
}
