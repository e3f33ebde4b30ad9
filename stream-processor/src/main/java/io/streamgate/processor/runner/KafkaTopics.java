package io.streamgate.processor.runner;

import io.streamgate.processor.pipeline.SourceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure every source topic exists before the views start. Spark's Kafka source fails a query
 * when a subscribed topic appears while it polls (a producer auto-creating it: "This server does
 * not host this topic-partition", three times, then the query stops), so a missing topic is
 * created up front with the broker's default partitions and replication, and the views start once
 * its partitions have leaders. Call from the driver thread at startup.
 */
final class KafkaTopics {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  private KafkaTopics() {}

  /** @throws KafkaUnavailableException if the broker does not answer within {@link #TIMEOUT} */
  static void ensureExist(String bootstrapServers, SourceSpec source) {
    try (Admin admin = Admin.create(adminConfig(bootstrapServers, source.options()))) {
      Set<String> topics = admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs()))
          .names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      for (String topic : List.of(source.topic(), source.deadLetterTopic())) {
        if (!topics.contains(topic)) {
          create(admin, source, topic);
        }
      }
    } catch (TimeoutException | ExecutionException e) {
      throw new KafkaUnavailableException(bootstrapServers, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(bootstrapServers, e);
    }
  }

  private static void create(Admin admin, SourceSpec source, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
          .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("source {}: created topic {} with the broker's default partitions",
          source.name(), topic);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        // Not allowed to create topics, for instance: the query may still work once it exists.
        LOG.warn("source {}: topic {} does not exist and creating it failed ({}); the query"
            + " reading or writing it will fail if it is still missing", source.name(), topic,
            e.getCause());
        return;
      }
    }
    awaitLeaders(admin, topic);
  }

  /** How many partitions the source topic has. */
  static int partitions(String bootstrapServers, SourceSpec source) {
    try (Admin admin = Admin.create(adminConfig(bootstrapServers, source.options()))) {
      return admin.describeTopics(List.of(source.topic())).allTopicNames()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(source.topic()).partitions().size();
    } catch (TimeoutException | ExecutionException e) {
      throw new KafkaUnavailableException(bootstrapServers, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(bootstrapServers, e);
    }
  }

  /**
   * Records of the source topic that retention already deleted: the sum over its partitions of
   * the earliest offset still held (0 when everything since the start is there).
   */
  static long retentionDropped(String bootstrapServers, SourceSpec source) {
    long dropped = 0;
    for (long[] range : offsetRanges(bootstrapServers, source).values()) {
      dropped += range[0];
    }
    return dropped;
  }

  /** Per partition of the source topic: {earliest retained offset, end offset}. */
  static Map<Integer, long[]> offsetRanges(String bootstrapServers, SourceSpec source) {
    try (Admin admin = Admin.create(adminConfig(bootstrapServers, source.options()))) {
      List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
      admin.describeTopics(List.of(source.topic())).allTopicNames()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(source.topic()).partitions()
          .forEach(p -> partitions.add(
              new org.apache.kafka.common.TopicPartition(source.topic(), p.partition())));
      Map<Integer, long[]> out = new java.util.TreeMap<>();
      for (boolean earliest : new boolean[] {true, false}) {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ask =
            new java.util.HashMap<>();
        partitions.forEach(tp -> ask.put(tp, earliest
            ? org.apache.kafka.clients.admin.OffsetSpec.earliest()
            : org.apache.kafka.clients.admin.OffsetSpec.latest()));
        admin.listOffsets(ask).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .forEach((tp, info) -> out.computeIfAbsent(tp.partition(), k -> new long[2])
                [earliest ? 0 : 1] = info.offset());
      }
      return out;
    } catch (TimeoutException | ExecutionException e) {
      throw new KafkaUnavailableException(bootstrapServers, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException(bootstrapServers, e);
    }
  }

  private static void awaitLeaders(Admin admin, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        if (d != null && d.partitions().stream().allMatch(p -> p.leader() != null)) {
          return;
        }
      } catch (ExecutionException e) {
        // metadata not propagated yet: ask again
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("partitions of " + topic + " have no leader after " + TIMEOUT);
      }
      Thread.sleep(50);
    }
  }

  /** The source's {@code kafka.*} options (security settings, say) apply to the admin too. */
  private static Properties adminConfig(String bootstrapServers, Map<String, String> options) {
    Properties props = new Properties();
    options.forEach((k, v) -> {
      if (k.startsWith("kafka.")) {
        props.put(k.substring("kafka.".length()), v);
      }
    });
    // Only admin settings: consumer ones (fetch.max.wait.ms) would be logged as unknown.
    props.keySet().retainAll(AdminClientConfig.configNames());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs());
    return props;
  }

  private static int timeoutMs() {
    return (int) TIMEOUT.toMillis();
  }
}
