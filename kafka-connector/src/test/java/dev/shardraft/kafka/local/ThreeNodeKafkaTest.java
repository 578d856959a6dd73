package dev.shardraft.kafka.local;

import static dev.shardraft.kafka.local.KafkaTestClients.TIMEOUT;
import static dev.shardraft.kafka.local.KafkaTestClients.ackAllProducer;
import static dev.shardraft.kafka.local.KafkaTestClients.createTopic;
import static dev.shardraft.kafka.local.KafkaTestClients.readCommitted;
import static dev.shardraft.kafka.local.KafkaTestClients.readUntil;
import static dev.shardraft.kafka.local.KafkaTestClients.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardraft.kafka.log.KafkaFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link KafkaBehaviourTests} on a three-node cluster (replication factor 3, min.insync.replicas
 * 2), plus losing one broker.
 */
class ThreeNodeKafkaTest extends KafkaBehaviourTests {

  @RegisterExtension static final KafkaFixture KAFKA = KafkaFixture.nodes(3);

  @Override
  KafkaFixture kafka() {
    return KAFKA;
  }

  @Test
  void killingOneOfThreeBrokersLosesNoAcknowledgedRecord() throws Exception {
    LocalKafka kafka = KAFKA.kafka();
    String topic =
        createTopic(kafka.bootstrapServers(), "survive", 1, 3, Map.of("min.insync.replicas", "2"));
    int leader = partitionLeader(kafka.bootstrapServers(), topic);
    List<String> written = IntStream.range(0, 400).mapToObj(i -> "r" + i).toList();
    try (KafkaProducer<String, String> producer = ackAllProducer(kafka.bootstrapServers())) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (String value : written.subList(0, 200)) {
        acks.add(producer.send(new ProducerRecord<>(topic, "k", value)));
      }
      producer.flush();

      kafka.kill(leader);

      for (String value : written.subList(200, 400)) {
        acks.add(producer.send(new ProducerRecord<>(topic, "k", value)));
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    }
    ActorSystem system = KAFKA.system();
    try {
      assertEquals(
          written,
          values(readUntil(system, readCommitted(system, kafka.bootstrapServers()), topic, "r399")),
          "every acknowledged record, once, in order, with partition leader " + leader + " killed");
    } finally {
      kafka.restart(leader);
    }
  }

  private static int partitionLeader(String bootstrapServers, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      TopicDescription description =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
              .get(topic);
      return description.partitions().get(0).leader().id();
    }
  }
}
