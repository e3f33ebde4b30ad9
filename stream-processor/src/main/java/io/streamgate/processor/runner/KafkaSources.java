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

  /**
   * A batch of the source topic's last {@code records} records (split evenly over its partitions),
   * for previews.
   */
  static Dataset<Row> readLast(SparkSession spark, SourceSpec source, String bootstrapServers,
      int records) {
    Map<Integer, long[]> ranges = KafkaTopics.offsetRanges(bootstrapServers, source);
    int perPartition = (int) Math.ceil((double) records / Math.max(1, ranges.size()));
    Map<String, Long> starts = new java.util.TreeMap<>();
    Map<String, Long> ends = new java.util.TreeMap<>();
    ranges.forEach((partition, range) -> {
      starts.put(String.valueOf(partition), Math.max(range[0], range[1] - perPartition));
      ends.put(String.valueOf(partition), range[1]);
    });
    Map<String, String> options = new LinkedHashMap<>(DEFAULT_OPTIONS);
    source.options().forEach((k, v) -> {
      if (k.startsWith("kafka.")) {
        options.put(k, v);
      }
    });
    options.put("kafka.bootstrap.servers", bootstrapServers);
    options.put("subscribe", source.topic());
    options.put("startingOffsets", io.streamgate.contract.json.Json.write(
        Map.of(source.topic(), starts)));
    options.put("endingOffsets", io.streamgate.contract.json.Json.write(
        Map.of(source.topic(), ends)));
    return spark.read().format("kafka").options(options).load();
  }

  static Dataset<Row> read(SparkSession spark, SourceSpec source, String bootstrapServers) {
    Map<String, String> options = new LinkedHashMap<>(DEFAULT_OPTIONS);
    options.putAll(source.options());
    options.put("kafka.bootstrap.servers", bootstrapServers);
    options.put("subscribe", source.topic());
    return spark.readStream().format("kafka").options(options).load();
  }
}
