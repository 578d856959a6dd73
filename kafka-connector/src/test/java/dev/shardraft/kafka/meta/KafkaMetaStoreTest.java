package dev.shardraft.kafka.meta;

import static dev.shardraft.kafka.log.KafkaTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.config.TopicNames;
import dev.shardraft.kafka.log.KafkaFixture;
import dev.shardraft.raft.port.TermAndVote;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link KafkaMetaStore} against one real broker. */
class KafkaMetaStoreTest {

  @RegisterExtension static final KafkaFixture KAFKA = KafkaFixture.nodes(1);

  @BeforeAll
  static void createTopic() {
    try (TopicAdmin admin = new TopicAdmin(KAFKA.settings())) {
      admin.ensureMetaTopic();
    }
  }

  @Test
  void aSavedTermAndVoteIsLoadedByANewStoreInstance() throws Exception {
    TermAndVote voted = new TermAndVote(7, Optional.of("replica-2"));
    try (KafkaMetaStore first = new KafkaMetaStore(KAFKA.settings())) {
      assertEquals(TermAndVote.INITIAL, await(first.load("orders-0", "replica-1")));
      await(first.save("orders-0", "replica-1", new TermAndVote(6, Optional.empty())));
      await(first.save("orders-0", "replica-1", voted));
      await(first.save("orders-0", "replica-3", new TermAndVote(2, Optional.empty())));
      assertEquals(voted, await(first.load("orders-0", "replica-1")));
    }
    try (KafkaMetaStore second = new KafkaMetaStore(KAFKA.settings())) {
      assertEquals(voted, await(second.load("orders-0", "replica-1")));
      assertEquals(
          new TermAndVote(2, Optional.empty()), await(second.load("orders-0", "replica-3")));
      assertEquals(TermAndVote.INITIAL, await(second.load("orders-1", "replica-1")));
    }
  }

  @Test
  void aLoadSeesASaveMadeByAnotherStoreAfterItsOwnFirstLoad() throws Exception {
    try (KafkaMetaStore reader = new KafkaMetaStore(KAFKA.settings());
        KafkaMetaStore writer = new KafkaMetaStore(KAFKA.settings())) {
      assertEquals(TermAndVote.INITIAL, await(reader.load("moving-0", "r1")));
      await(writer.save("moving-0", "r1", new TermAndVote(4, Optional.of("r1"))));
      assertEquals(new TermAndVote(4, Optional.of("r1")), await(reader.load("moving-0", "r1")));
    }
  }

  @Test
  void aCorruptValueFailsTheLoadOfThatKeyOnlyWithAClearError() throws Exception {
    try (KafkaProducer<byte[], byte[]> plain = KAFKA.plainProducer()) {
      plain
          .send(
              new ProducerRecord<>(
                  TopicNames.META,
                  "bad-0/r1".getBytes(StandardCharsets.UTF_8),
                  "garbage".getBytes(StandardCharsets.UTF_8)))
          .get(60, TimeUnit.SECONDS);
    }
    try (KafkaMetaStore store = new KafkaMetaStore(KAFKA.settings())) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> await(store.load("bad-0", "r1")));
      assertTrue(e.getMessage().contains("corrupt raft-meta value for bad-0/r1"), e.getMessage());
      await(store.save("bad-0", "r2", new TermAndVote(1, Optional.empty())));
      assertEquals(new TermAndVote(1, Optional.empty()), await(store.load("bad-0", "r2")));
    }
  }

  @Test
  void theValueFormatRoundTripsAndRejectsForeignBytes() {
    for (TermAndVote v :
        new TermAndVote[] {TermAndVote.INITIAL, new TermAndVote(9, Optional.of("é-1"))}) {
      assertEquals(v, TermAndVoteFormat.decode(TermAndVoteFormat.encode(v)));
    }
    assertThrows(
        IllegalArgumentException.class, () -> TermAndVoteFormat.decode(new byte[] {2, 0, 0}));
  }
}
