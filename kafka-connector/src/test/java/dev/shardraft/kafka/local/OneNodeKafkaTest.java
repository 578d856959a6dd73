package dev.shardraft.kafka.local;

import static dev.shardraft.kafka.local.KafkaTestClients.TIMEOUT;
import static dev.shardraft.kafka.local.KafkaTestClients.ackAllProducer;
import static dev.shardraft.kafka.local.KafkaTestClients.createTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardraft.kafka.log.KafkaFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link KafkaBehaviourTests} on a one-node cluster, plus kill and restart of that node. */
class OneNodeKafkaTest extends KafkaBehaviourTests {

  @RegisterExtension static final KafkaFixture KAFKA = KafkaFixture.nodes(1);

  @Override
  KafkaFixture kafka() {
    return KAFKA;
  }

  @Test
  void aKilledAndRestartedNodeStillHasItsAcknowledgedRecords() throws Exception {
    LocalKafka kafka = KAFKA.kafka();
    String topic = createTopic(kafka.bootstrapServers(), "restart", 1, 1, Map.of());
    try (KafkaProducer<String, String> producer = ackAllProducer(kafka.bootstrapServers())) {
      for (int i = 0; i < 50; i++) {
        producer
            .send(new ProducerRecord<>(topic, "k", "r" + i))
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    }
    long pidBefore = kafka.processes().get(0).pid();

    kafka.kill(0);
    assertEquals(List.of(), kafka.processes(), "no node runs after kill");
    kafka.restart(0);

    assertEquals(1, kafka.processes().size());
    assertEquals(false, kafka.processes().get(0).pid() == pidBefore, "a new process");
    List<String> read = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringDeserializer(),
            new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      Await.until(
          "50 records after the restart",
          TIMEOUT,
          () -> {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
              read.add(record.value());
            }
            return read.size() >= 50;
          });
    }
    assertEquals(50, read.size());
    assertEquals("r0", read.get(0));
    assertEquals("r49", read.get(49));
  }
}
