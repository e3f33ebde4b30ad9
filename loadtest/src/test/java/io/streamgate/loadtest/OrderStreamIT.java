package io.streamgate.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.json.Json;
import io.streamgate.harness.KafkaBroker;
import io.streamgate.loadtest.orders.OrderSimulator;
import io.streamgate.loadtest.pacing.RatePacer;
import io.streamgate.loadtest.publish.KafkaEventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The generator's events reach a real broker keyed by order id, each order's steps in order. */
class OrderStreamIT {
  private static final int EVENTS = 60;

  @Test
  void writesOrderLifecyclesKeyedByOrderIdAndReadableInOrder() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String topic = "orders-it-" + System.nanoTime();
    // Zero delays: each order goes created, paid, shipped back to back, 20 whole lifecycles.
    OrderSimulator simulator = new OrderSimulator(
        OrderSimulator.Settings.defaults().withFixedDelays(Duration.ZERO), new Random(1), "it");
    long sent;
    try (KafkaEventPublisher publisher = new KafkaEventPublisher(kafka.bootstrapServers(), topic, "it")) {
      sent = new OrderStream(simulator, new RatePacer(500), publisher, Clock.systemUTC()).run(EVENTS, () -> true);
      assertEquals(EVENTS, publisher.acked(), "every event acknowledged, last error: " + publisher.lastError());
      assertEquals(0, publisher.failed());
    }
    assertEquals(EVENTS, sent);

    List<ConsumerRecord<String, String>> records = readAll(kafka.bootstrapServers(), topic, EVENTS);
    Map<String, List<String>> statusesByOrder = new HashMap<>();
    for (ConsumerRecord<String, String> record : records) {
      Map<String, Object> event = Json.parseObject(record.value());
      assertEquals(event.get("orderId"), record.key(), "record key is the order id");
      statusesByOrder.computeIfAbsent(record.key(), k -> new ArrayList<>()).add((String) event.get("status"));
    }
    assertEquals(EVENTS / 3, statusesByOrder.size());
    // One order lives in one partition, so a consumer sees its steps in the order they happened.
    statusesByOrder.forEach((order, statuses) ->
        assertEquals(List.of("created", "paid", "shipped"), statuses, order));
  }

  private static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    assertTrue(records.size() >= expected, "read " + records.size() + " of " + expected);
    assertEquals(expected, records.size(), "no duplicates from the idempotent producer");
    return records;
  }
}
