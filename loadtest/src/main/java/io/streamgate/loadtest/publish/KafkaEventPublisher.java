package io.streamgate.loadtest.publish;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends string events to one Kafka topic with an idempotent, {@code acks=all} producer and counts
 * what was sent, acknowledged and failed.
 *
 * <p>{@link #send} is called from one thread; the counters are updated from the producer's I/O
 * thread and may be read from any thread.
 */
public final class KafkaEventPublisher implements AutoCloseable {
  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>();

  public KafkaEventPublisher(String bootstrapServers, String topic, String clientId) {
    this.producer = new KafkaProducer<>(producerConfig(bootstrapServers, clientId));
    this.topic = topic;
  }

  /**
   * Producer settings for event streams: no duplicates on retry, no acknowledgement before every
   * in-sync replica has the record, order kept per key.
   */
  public static Properties producerConfig(String bootstrapServers, String clientId) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return props;
  }

  /** Queues one record; the outcome is counted when the broker answers. */
  public void send(String key, String value) {
    sent.incrementAndGet();
    producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
      if (error == null) {
        acked.incrementAndGet();
      } else {
        failed.incrementAndGet();
        lastError.set(error.getClass().getSimpleName() + ": " + error.getMessage());
      }
    });
  }

  /** Blocks until every queued record is acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  public String topic() {
    return topic;
  }

  public long sent() {
    return sent.get();
  }

  public long acked() {
    return acked.get();
  }

  public long failed() {
    return failed.get();
  }

  /** The most recent send failure, or null if none. */
  public String lastError() {
    return lastError.get();
  }

  /** Flushes and closes, waiting at most {@code timeout} for outstanding records. */
  public void close(Duration timeout) {
    producer.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
