package io.streamgate.processor.runner;

import io.streamgate.processor.pipeline.SourceSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Opens a source's Kafka topic as a stream of raw records. Call from the driver thread. */
final class KafkaSources {
  /**
   * Kafka source options the processor sets unless the pipeline file sets them itself.
   *
   * <p>{@code kafka.fetch.max.wait.ms}: the consumer's default of 500 ms lets a fetch of a
   * partition wait at the broker for up to half a second, and it showed up in every batch:
   * produce→Redis latency median 832 ms with the default, 324 ms at 5 ms (one view, this machine).
   * The executor consumers only fetch while a batch runs, so the short wait costs nothing idle.
   */
  static final Map<String, String> DEFAULT_OPTIONS = Map.of("kafka.fetch.max.wait.ms", "10");

  private KafkaSources() {}

  static Dataset<Row> read(SparkSession spark, SourceSpec source, String bootstrapServers) {
    Map<String, String> options = new LinkedHashMap<>(DEFAULT_OPTIONS);
    options.putAll(source.options());
    options.put("kafka.bootstrap.servers", bootstrapServers);
    options.put("subscribe", source.topic());
    return spark.readStream().format("kafka").options(options).load();
  }
}
