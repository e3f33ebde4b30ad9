package io.streamgate.processor.pipeline;

import io.streamgate.contract.events.EventField;
import io.streamgate.contract.events.EventSchema;
import io.streamgate.contract.events.FieldType;
import io.streamgate.contract.events.StreamEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Kafka topic of JSON events or of Debezium change events ({@link SourceFormat}), as declared
 * under {@code sources:} in a pipeline file. Immutable.
 *
 * @param name       the table name views use in their SQL
 * @param schema     the event schema; NOT NULL fields are required (events without them are dead letters)
 * @param eventTime  timestamp column the watermark tracks, or null
 * @param watermark  how late events may arrive, or null for no watermark
 * @param options    passed through to Spark's Kafka source ({@code startingOffsets}, {@code kafka.*})
 * @param key        the event field whose value keys the source's Kafka records (event ingest
 *                   writes with it), or null
 * @param deadLetterTopic where events that do not fit the schema go (default {@code <topic>.dlq})
 * @param format    how records are read; for {@link SourceFormat#DEBEZIUM} the schema declares the
 *                  table's columns and {@code key} is its primary key column
 */
public record SourceSpec(
    String name,
    String topic,
    StructType schema,
    String eventTime,
    Duration watermark,
    Map<String, String> options,
    String key,
    String deadLetterTopic,
    SourceFormat format,
    List<String> tenantFields) {

  /**
   * Column the JSON parser fills with the raw text of an event that does not parse; reserved, so
   * a schema cannot name it.
   */
  public static final String CORRUPT_RECORD_COLUMN = "_corrupt_record";

  /** Appended to the source topic for the default dead-letter topic. */
  public static final String DEAD_LETTER_SUFFIX = ".dlq";

  /**
   * Columns a Debezium source adds to its table's columns: the operation ({@code c}, {@code r},
   * {@code u}, {@code d}), the change's log position ({@code source.lsn}) and the database's
   * commit time ({@code source.ts_ms}); reserved in its schema.
   */
  public static final String OP_COLUMN = "_op";
  public static final String LSN_COLUMN = "_lsn";
  public static final String SOURCE_TS_COLUMN = "_source_ts";
  /** Prefix of the processor's hidden columns; reserved in every schema. */
  public static final String HIDDEN_PREFIX = "_sg_";

  public SourceSpec {
    options = Map.copyOf(options);
    if (deadLetterTopic == null) {
      deadLetterTopic = topic + DEAD_LETTER_SUFFIX;
    }
    if (format == null) {
      format = SourceFormat.JSON;
    }
    tenantFields = tenantFields == null ? List.of() : List.copyOf(tenantFields);
  }

  /** A source without tenant-scoped fields. */
  public SourceSpec(String name, String topic, StructType schema, String eventTime,
      Duration watermark, Map<String, String> options, String key, String deadLetterTopic,
      SourceFormat format) {
    this(name, topic, schema, eventTime, watermark, options, key, deadLetterTopic, format,
        List.of());
  }

  /** A JSON source. */
  public SourceSpec(String name, String topic, StructType schema, String eventTime,
      Duration watermark, Map<String, String> options, String key, String deadLetterTopic) {
    this(name, topic, schema, eventTime, watermark, options, key, deadLetterTopic,
        SourceFormat.JSON);
  }

  /** A source without a key field and with the default dead-letter topic. */
  public SourceSpec(String name, String topic, StructType schema, String eventTime,
      Duration watermark, Map<String, String> options) {
    this(name, topic, schema, eventTime, watermark, options, null, null);
  }

  /**
   * The schema as the contract states it for event ingest and dead-letter reasons: each top-level
   * column with its JSON field type; NOT NULL columns are required.
   */
  public EventSchema eventSchema() {
    List<EventField> fields = new ArrayList<>();
    for (StructField f : schema.fields()) {
      fields.add(new EventField(f.name(), FieldType.fromSparkType(f.dataType().simpleString()),
          !f.nullable()));
    }
    return new EventSchema(fields);
  }

  /** This source as registered for event ingest ({@code Scripts.REGISTER_VIEW}, streams hash). */
  public StreamEntry streamEntry(long registeredAtMillis) {
    return new StreamEntry(name, topic, eventSchema(), key, eventTime, registeredAtMillis,
        tenantFields);
  }

  public boolean hasWatermark() {
    return watermark != null;
  }

  /** A Debezium changelog: rows are upserted and deleted, not appended. */
  public boolean changelog() {
    return format == SourceFormat.DEBEZIUM;
  }

  /**
   * Whether the gateway's event ingest may write this source's topic: JSON sources only (a
   * changelog topic holds the connector's change events).
   */
  public boolean ingestible() {
    return format == SourceFormat.JSON;
  }

  /** This source with one Kafka source option set (e.g. {@code startingOffsets} for a backfill). */
  public SourceSpec withOption(String option, String value) {
    Map<String, String> changed = new java.util.LinkedHashMap<>(options);
    changed.put(option, value);
    return new SourceSpec(name, topic, schema, eventTime, watermark, changed, key,
        deadLetterTopic, format, tenantFields);
  }
}
