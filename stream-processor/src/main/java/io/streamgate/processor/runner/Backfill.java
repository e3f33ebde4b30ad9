package io.streamgate.processor.runner;

import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.util.Map;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * How far a view version's query has read its Kafka sources, from its last progress report:
 * the records it still has to read ({@code lag}) and the share of its sources' records it has
 * read ({@code progress}, from offset 0: a topic whose retention dropped early records reports a
 * little less than the truth until it is done). Pure.
 *
 * @param lag      records between the query's end offsets and the latest ones, summed; -1 unknown
 * @param progress read / (read + lag), 0 to 1; 0 when unknown
 */
record Backfill(long lag, double progress) {
  static final Backfill UNKNOWN = new Backfill(-1, 0);

  /** From a query's last progress report; {@link #UNKNOWN} without one. */
  static Backfill of(StreamingQueryProgress progress) {
    if (progress == null || progress.sources() == null || progress.sources().length == 0) {
      return UNKNOWN;
    }
    long read = 0;
    long lag = 0;
    for (SourceProgress source : progress.sources()) {
      Map<String, Long> end = offsets(source.endOffset());
      Map<String, Long> latest = offsets(source.latestOffset());
      if (end == null || latest == null) {
        return UNKNOWN;
      }
      for (Map.Entry<String, Long> partition : latest.entrySet()) {
        long at = end.getOrDefault(partition.getKey(), 0L);
        read += at;
        lag += Math.max(0, partition.getValue() - at);
      }
    }
    return new Backfill(lag, read + lag == 0 ? 1 : (double) read / (read + lag));
  }

  /**
   * Kafka source offsets {@code {"topic":{"0":12,"1":40}}} flattened to {@code topic/partition →
   * offset}; null if the text is missing or not that shape.
   */
  static Map<String, Long> offsets(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    try {
      Map<String, Long> out = new java.util.HashMap<>();
      for (Map.Entry<String, Object> topic : Json.parseObject(json).entrySet()) {
        if (!(topic.getValue() instanceof Map<?, ?> partitions)) {
          return null;
        }
        for (Map.Entry<?, ?> p : partitions.entrySet()) {
          if (!(p.getValue() instanceof Long offset)) {
            return null;
          }
          out.put(topic.getKey() + "/" + p.getKey(), offset);
        }
      }
      return out;
    } catch (JsonException e) {
      return null;
    }
  }

  boolean known() {
    return lag >= 0;
  }
}
