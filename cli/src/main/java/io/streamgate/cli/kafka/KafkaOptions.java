package io.streamgate.cli.kafka;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Client settings shared by {@code produce}, {@code consume} and the demo. */
public final class KafkaOptions {
  /** Where {@code ./streamgate demo} puts its broker by default. */
  public static final String DEMO_BOOTSTRAP = "127.0.0.1:19092";
  /** How long a client waits for an unreachable broker before saying so. */
  public static final int UNREACHABLE_MS = 10_000;

  private KafkaOptions() {}

  /** Idempotent, {@code acks=all} producer that gives up quickly when the broker is not there. */
  public static Properties producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "streamgate-cli");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, UNREACHABLE_MS);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, UNREACHABLE_MS);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3 * UNREACHABLE_MS);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return props;
  }

  /** A group-less consumer: partitions are assigned by hand and nothing is committed. */
  public static Properties consumer(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamgate-cli");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Reading must never create a topic by asking for it.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, UNREACHABLE_MS);
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, UNREACHABLE_MS);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return props;
  }
}
