package io.streamgate.cli.demo;

import io.streamgate.cli.kafka.KafkaOptions;
import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches the orders topic from "now" on, so the demo can show a real order id and user id in its
 * examples and check that exactly that row is served. Group-less: commits nothing. Not
 * thread-safe; used by the starting thread only.
 */
final class OrderTap implements AutoCloseable {
  /** The ids of one order event. */
  record SampleOrder(String orderId, String userId) {}

  private final KafkaConsumer<String, String> consumer;

  /** Positions at the end of every partition of {@code topic}, which must exist. */
  OrderTap(String bootstrap, String topic) {
    consumer = new KafkaConsumer<>(KafkaOptions.consumer(bootstrap));
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    // position() makes the lazy seek happen now, before anything is produced.
    partitions.forEach(consumer::position);
  }

  /** The first order event written after this tap opened, waiting at most {@code timeout}. */
  Optional<SampleOrder> poll(Duration timeout) {
    for (ConsumerRecord<String, String> record : consumer.poll(timeout)) {
      Optional<SampleOrder> sample = parse(record.value());
      if (sample.isPresent()) {
        return sample;
      }
    }
    return Optional.empty();
  }

  static Optional<SampleOrder> parse(String value) {
    try {
      Map<String, Object> event = Json.parseObject(value);
      if (event.get("orderId") instanceof String orderId && event.get("userId") instanceof String userId) {
        return Optional.of(new SampleOrder(orderId, userId));
      }
    } catch (JsonException e) {
      // Not an order event; keep looking.
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
  }
}
