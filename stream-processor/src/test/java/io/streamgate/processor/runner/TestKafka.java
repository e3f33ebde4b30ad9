package io.streamgate.processor.runner;

import io.streamgate.harness.KafkaBroker;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics and producers on the tests' broker, shared by the processor's integration tests. */
final class TestKafka {
  private TestKafka() {}

  static void createTopic(KafkaBroker kafka, String topic, int partitions) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  /** A string producer with {@code acks=all}, plus {@code settings} (producer config names). */
  static KafkaProducer<String, String> producer(KafkaBroker kafka, Map<String, String> settings) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putAll(settings);
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }
}
