package io.streamgate.processor.runner;

import io.streamgate.processor.deadletter.DeadLetters;
import io.streamgate.processor.pipeline.SourceSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Starts the dead-letter query of a source: one per source, not per view, so each refused event
 * is reported once however many views read the source. It reads the topic on its own (own
 * checkpoint, own offsets) and writes through Spark's Kafka sink with an idempotent producer:
 * at-least-once; a batch replayed after a crash may write its dead letters again, and their
 * topic/partition/offset headers identify the duplicates. Call from the driver thread.
 */
final class DeadLetterQueries {
  /**
   * Dead letters are not latency-critical, and each batch of this query costs as much CPU as a
   * view's (planning, tasks, commits) however few records it reads: at 1 s it was a quarter of
   * the processor's budget at 20 events/s.
   */
  static final Duration TRIGGER = Duration.ofSeconds(5);
  static final String QUERY_PREFIX = "dead_letters:";

  private DeadLetterQueries() {}

  static String queryName(SourceSpec source) {
    return QUERY_PREFIX + source.name();
  }

  /** The source name of a dead-letter query's name, or null for a view's query. */
  static String sourceOf(String queryName) {
    return queryName != null && queryName.startsWith(QUERY_PREFIX)
        ? queryName.substring(QUERY_PREFIX.length()) : null;
  }

  /** Checkpoint of a source's dead-letter query; no view name can start with '_'. */
  static String checkpoint(ProcessorSettings settings, SourceSpec source) {
    return settings.checkpointOf("_dead_letters/" + source.name());
  }

  static StreamingQuery start(SparkSession spark, ProcessorSettings settings, SourceSpec source)
      throws TimeoutException {
    return DeadLetters.of(source, KafkaSources.read(spark, source, settings.kafkaBootstrap()))
        .writeStream()
        .queryName(queryName(source))
        .format("kafka")
        .options(producerOptions(settings.kafkaBootstrap(), source))
        .option("topic", source.deadLetterTopic())
        .option("checkpointLocation", checkpoint(settings, source))
        .outputMode("append")
        .trigger(Trigger.ProcessingTime(TRIGGER.toMillis()))
        .start();
  }

  /** The source's {@code kafka.*} producer settings (security ones, say), then ours. */
  static Map<String, String> producerOptions(String bootstrapServers, SourceSpec source) {
    Map<String, String> out = new LinkedHashMap<>();
    source.options().forEach((k, v) -> {
      if (k.startsWith("kafka.")
          && ProducerConfig.configNames().contains(k.substring("kafka.".length()))) {
        out.put(k, v);
      }
    });
    out.put("kafka.bootstrap.servers", bootstrapServers);
    out.put("kafka.acks", "all");
    out.put("kafka.enable.idempotence", "true");
    return out;
  }
}
