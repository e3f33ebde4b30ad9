package io.streamgate.processor.pipeline;

import java.time.Duration;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * A Kafka topic of JSON events, as declared under {@code sources:} in a pipeline file. Immutable.
 *
 * @param name       the table name views use in their SQL
 * @param schema     the event schema; NOT NULL fields are required (events without them are dropped)
 * @param eventTime  timestamp column the watermark tracks, or null
 * @param watermark  how late events may arrive, or null for no watermark
 * @param options    passed through to Spark's Kafka source ({@code startingOffsets}, {@code kafka.*})
 */
public record SourceSpec(
    String name,
    String topic,
    StructType schema,
    String eventTime,
    Duration watermark,
    Map<String, String> options) {

  /**
   * Column the JSON parser fills with the raw text of an event that does not parse; reserved, so
   * a schema cannot name it.
   */
  public static final String CORRUPT_RECORD_COLUMN = "_corrupt_record";

  public SourceSpec {
    options = Map.copyOf(options);
  }

  public boolean hasWatermark() {
    return watermark != null;
  }
}
