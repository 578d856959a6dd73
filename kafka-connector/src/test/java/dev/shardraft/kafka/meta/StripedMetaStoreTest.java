package dev.shardraft.kafka.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardraft.kafka.admin.TopicAdmin;
import dev.shardraft.kafka.config.KafkaSettings;
import dev.shardraft.kafka.log.KafkaFixture;
import dev.shardraft.raft.port.MetaStoreSupersededException;
import dev.shardraft.raft.port.TermAndVote;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link StripedMetaStore} against one real broker. */
class StripedMetaStoreTest {

  @RegisterExtension static final KafkaFixture KAFKA = KafkaFixture.nodes(1);

  @BeforeAll
  static void createTopic() {
    try (TopicAdmin admin = new TopicAdmin(KAFKA.settings())) {
      admin.ensureMetaTopic();
    }
  }

  private static KafkaSettings settings(int threads) {
    return KafkaSettings.fromConfig(
        com.typesafe.config.ConfigFactory.parseString(
                "shardraft.kafka.bootstrap-servers = \""
                    + KAFKA.bootstrapServers()
                    + "\"\nshardraft.kafka.meta.store-threads = "
                    + threads)
            .withFallback(com.typesafe.config.ConfigFactory.load()));
  }

  @Test
  void manyReplicasSaveAtOnceOverTheStoresAndAnotherNodeLoadsEveryValue() throws Exception {
    int replicas = 24;
    try (StripedMetaStore store = new StripedMetaStore(settings(4))) {
      Set<Integer> stripes = new HashSet<>();
      List<CompletableFuture<Void>> saves = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        stripes.add(store.stripeOf("striped-" + i, "r1"));
        String shard = "striped-" + i;
        long term = i + 1;
        saves.add(
            store
                .load(shard, "r1")
                .thenCompose(
                    loaded -> store.save(shard, "r1", new TermAndVote(term, Optional.of("r1"))))
                .toCompletableFuture());
      }
      CompletableFuture.allOf(saves.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertEquals(4, stripes.size(), "24 keys use every one of 4 stores");
      assertEquals(store.stripeOf("striped-3", "r1"), store.stripeOf("striped-3", "r1"));
    }
    try (StripedMetaStore other = new StripedMetaStore(settings(3))) {
      for (int i = 0; i < replicas; i++) {
        assertEquals(
            new TermAndVote(i + 1, Optional.of("r1")),
            other.load("striped-" + i, "r1").toCompletableFuture().get(30, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void aSaveAfterAnotherIncarnationSavedIsSupersededAsWithOneStore() throws Exception {
    try (StripedMetaStore first = new StripedMetaStore(settings(4));
        StripedMetaStore second = new StripedMetaStore(settings(4))) {
      first.load("striped-cas", "r2").toCompletableFuture().get(30, TimeUnit.SECONDS);
      second.load("striped-cas", "r2").toCompletableFuture().get(30, TimeUnit.SECONDS);
      second
          .save("striped-cas", "r2", new TermAndVote(3, Optional.of("r2")))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  first
                      .save("striped-cas", "r2", new TermAndVote(3, Optional.of("r3")))
                      .toCompletableFuture()
                      .get(30, TimeUnit.SECONDS));
      assertInstanceOf(MetaStoreSupersededException.class, e.getCause());
      assertEquals(
          new TermAndVote(3, Optional.of("r2")),
          second.load("striped-cas", "r2").toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void aStoreCountBelowOneIsRefusedNamingTheKey() {
    Exception e = assertThrows(RuntimeException.class, () -> settings(0));
    assertTrue(e.getMessage().contains("shardraft.kafka.meta.store-threads"), e.getMessage());
  }
}
