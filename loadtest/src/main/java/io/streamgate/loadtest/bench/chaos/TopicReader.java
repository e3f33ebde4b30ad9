package io.streamgate.loadtest.bench.chaos;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning to its current end: the events of one run, and the ids written twice. */
public final class TopicReader {
  /** The run's events in the topic by order id, and ids found more than once. */
  public record Content(Map<String, Ledger.Event> events, List<String> duplicates) {}

  private TopicReader() {}

  /** Every event of the topic whose order id starts with {@code prefix}. */
  public static Content read(String bootstrap, String topic, String prefix) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    Map<String, Ledger.Event> events = new TreeMap<>();
    List<String> duplicates = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      Instant deadline = Instant.now().plusSeconds(120);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("could not read " + topic + " to its end within 120 s");
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          JsonObject json;
          try {
            json = new JsonObject(record.value());
          } catch (RuntimeException e) {
            continue; // not an order event of ours
          }
          String id = json.getString("orderId");
          if (id == null || !id.startsWith(prefix)) {
            continue;
          }
          Ledger.Event event = new Ledger.Event(id, json.getString("userId"),
              Math.round(json.getNumber("amount").doubleValue()));
          if (events.put(id, event) != null) {
            duplicates.add(id);
          }
        }
      }
    }
    return new Content(events, duplicates);
  }
}
