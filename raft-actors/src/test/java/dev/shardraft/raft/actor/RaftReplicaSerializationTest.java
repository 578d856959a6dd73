package dev.shardraft.raft.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardraft.raft.actor.ReplicaProtocol.Applied;
import dev.shardraft.raft.actor.ReplicaProtocol.GetStatus;
import dev.shardraft.raft.actor.ReplicaProtocol.PeerMessage;
import dev.shardraft.raft.actor.ReplicaProtocol.Read;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadFailed;
import dev.shardraft.raft.actor.ReplicaProtocol.ReadResult;
import dev.shardraft.raft.actor.ReplicaProtocol.Rejected;
import dev.shardraft.raft.actor.ReplicaProtocol.Retry;
import dev.shardraft.raft.actor.ReplicaProtocol.Status;
import dev.shardraft.raft.actor.ReplicaProtocol.Submit;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferLeadership;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferRefused;
import dev.shardraft.raft.actor.ReplicaProtocol.TransferStarted;
import dev.shardraft.raft.core.RaftMessage;
import dev.shardraft.raft.core.ReadMode;
import dev.shardraft.raft.core.RetryReason;
import dev.shardraft.raft.port.Bytes;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every public message of the replica protocol round-trips through the serializer the configuration
 * binds it to, and that serializer is Jackson CBOR (never Java serialization). The group tests run
 * with {@code serialize-messages = on} as well.
 */
class RaftReplicaSerializationTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(ReplicaGroup.config());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static Stream<Object> messages() {
    ActorRef<Object> ref = kit.createTestProbe().ref();
    return Stream.of(
        new PeerMessage(new RaftMessage.PreVoteRequest(3, "a", 2, 41)),
        new PeerMessage(new RaftMessage.PreVoteResponse(2, "b", true)),
        new PeerMessage(new RaftMessage.VoteRequest(3, "a", 2, 41, true)),
        new PeerMessage(new RaftMessage.VoteResponse(3, "c", false)),
        new PeerMessage(new RaftMessage.Heartbeat(3, "a", 40, 7)),
        new PeerMessage(new RaftMessage.Heartbeat(3, "a", 40, 8, true), "pekko://sys@host:2552"),
        new PeerMessage(new RaftMessage.HeartbeatResponse(3, "b", true, 39, 7)),
        new PeerMessage(new RaftMessage.TimeoutNow(3, "a")),
        new Submit("alice", 4, Bytes.of(new byte[] {1, 2, 3}), ref.unsafeUpcast()),
        new Applied(12, Bytes.of(new byte[] {9}), true),
        new Rejected("sequence too old"),
        new ReplicaProtocol.Failed(
            13, "the state machine threw java.lang.IllegalStateException", true),
        new ReplicaProtocol.SessionExpired("no session of client alice"),
        new Retry(Optional.of("b"), RetryReason.NOT_LEADER, "not leader"),
        new Retry(Optional.empty(), RetryReason.UNAVAILABLE, "stopped"),
        new Read(ReadMode.LINEARIZABLE, Bytes.of(new byte[] {7}), ref.unsafeUpcast()),
        new ReadResult(12, ReadMode.STALE, Bytes.of(new byte[] {1})),
        new ReadFailed("bad query"),
        new TransferLeadership("c", ref.unsafeUpcast()),
        new TransferStarted("c"),
        new TransferRefused("x", "not a peer"),
        new GetStatus(ref.unsafeUpcast()),
        new Status(
            "a",
            ReplicaRole.LEADER,
            3,
            Optional.of("a"),
            Optional.of("a"),
            true,
            40,
            3,
            1,
            2,
            5,
            true),
        new Status(
            "b",
            ReplicaRole.FOLLOWER,
            3,
            Optional.empty(),
            Optional.empty(),
            false,
            -1,
            0,
            0,
            0,
            0,
            false));
  }

  @ParameterizedTest
  @MethodSource("messages")
  void roundTripsThroughJacksonCbor(Object message) {
    var serializer =
        SerializationExtension.get(Adapter.toClassic(kit.system())).findSerializerFor(message);

    assertEquals("JacksonCborSerializer", serializer.getClass().getSimpleName());
    new SerializationTestKit(kit.system()).verifySerialization(message, true);
  }
}
