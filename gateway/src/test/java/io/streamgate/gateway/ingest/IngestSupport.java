package io.streamgate.gateway.ingest;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Scripts;
import io.streamgate.contract.events.EventField;
import io.streamgate.contract.events.EventSchema;
import io.streamgate.contract.events.FieldType;
import io.streamgate.contract.events.StreamEntry;
import io.streamgate.gateway.GatewayFixture;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the ingest tests share: registering streams, posting, topics and reading them back. */
final class IngestSupport {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private IngestSupport() {}

  /** An orders-like stream: orderId (key), amount, ts required; note optional. */
  static StreamEntry orders(String name, String topic) {
    return new StreamEntry(name, topic, new EventSchema(List.of(
        new EventField("orderId", FieldType.STRING, true),
        new EventField("amount", FieldType.NUMBER, true),
        new EventField("qty", FieldType.INT, false),
        new EventField("ts", FieldType.TIMESTAMP, true))), "orderId", "ts",
        System.currentTimeMillis());
  }

  /** Registers a stream the way the processor does: the contract's script. */
  static void register(GatewayFixture.Seeder seeder, Keyspace keyspace, StreamEntry entry) {
    Request eval = Request.cmd(Command.EVAL).arg(Scripts.REGISTER_VIEW.source());
    List<String> keys = Scripts.registerStreamKeys(keyspace);
    eval.arg(keys.size());
    keys.forEach(eval::arg);
    Scripts.registerStreamArgs(keyspace, entry).forEach(eval::arg);
    seeder.send(eval);
  }

  static String order(String id, double amount) {
    return "{\"orderId\":\"" + id + "\",\"amount\":" + amount + ",\"ts\":\"2026-11-25T10:00:00Z\"}";
  }

  static HttpResponse<String> post(int port, String stream, String token, String contentType,
      String body) {
    return post(port, stream, token, contentType, HttpRequest.BodyPublishers.ofString(body),
        Duration.ofSeconds(15));
  }

  static HttpResponse<String> post(int port, String stream, String token, String contentType,
      HttpRequest.BodyPublisher body, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/v1/events/" + stream)).timeout(timeout)
        .POST(body);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Admin admin(String bootstrap) {
    return Admin.create(Map.of("bootstrap.servers", bootstrap));
  }

  static void createTopic(String bootstrap, String topic, int partitions) {
    try (Admin admin = admin(bootstrap)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError("cannot create topic " + topic, e);
    }
  }

  /** The topics the broker has. */
  static java.util.Set<String> topics(String bootstrap) {
    try (Admin admin = admin(bootstrap)) {
      return admin.listTopics().names().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError("cannot list topics", e);
    }
  }

  /** Every record of the topic, from the beginning to the end offsets as of now. */
  static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("enable.auto.commit", "false");
    props.put("isolation.level", "read_committed");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props,
        new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      long total = end.values().stream().mapToLong(Long::longValue).sum();
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (records.size() < total && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      if (records.size() < total) {
        throw new AssertionError("read " + records.size() + " of " + total + " records of "
            + topic);
      }
      return records;
    }
  }
}
