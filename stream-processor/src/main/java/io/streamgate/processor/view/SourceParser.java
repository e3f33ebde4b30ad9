package io.streamgate.processor.view;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;

import io.streamgate.processor.pipeline.Intervals;
import io.streamgate.processor.pipeline.SourceSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Pure: raw events (a {@code value} column of JSON, string or binary, as Kafka delivers it) to the
 * typed rows of a source, with its watermark. Works the same on a Kafka stream, a
 * {@code MemoryStream} or a batch Dataset. Debezium sources are read by {@link ChangeEvents}.
 * Stateless and thread-safe.
 */
public final class SourceParser {
  /** The raw column holding one JSON event. */
  public static final String VALUE = "value";
  /** Raw columns of Spark's Kafka source. */
  static final String KAFKA_PARTITION = "partition";
  static final String KAFKA_OFFSET = "offset";
  static final String KAFKA_TIMESTAMP = "timestamp";

  private SourceParser() {}

  /** Column {@link #withEvent} adds: the parsed event struct (null if the value is not JSON). */
  public static final String EVENT = "_sg_event";

  /**
   * Column {@link #parse} adds to the events of a Kafka source: {@code STRUCT<time: TIMESTAMP,
   * partition: INT, offset: BIGINT>}, the event's time (its {@code eventTime} field, else its
   * Kafka timestamp) and its place in the topic. Orders the events of one key across partitions;
   * see {@link ViewTransform#newestPerKey}. Not part of any view's value.
   */
  public static final String ORDER = "_sg_order";

  /**
   * The source's valid events as typed rows, with its watermark (and {@link #ORDER} when {@code
   * raw} comes from Kafka). Events that fail {@link #valid} are left out here; the source's
   * dead-letter query ({@code deadletter.DeadLetters}) sends exactly those to the dead-letter
   * topic.
   */
  public static Dataset<Row> parse(SourceSpec source, Dataset<Row> raw) {
    if (source.changelog()) {
      return ChangeEvents.parse(source, raw);
    }
    List<Column> columns = new ArrayList<>(List.of(col(EVENT + ".*")));
    List<String> rawColumns = List.of(raw.columns());
    if (rawColumns.containsAll(List.of(KAFKA_PARTITION, KAFKA_OFFSET, KAFKA_TIMESTAMP))) {
      Column time = source.eventTime() != null
          ? col(EVENT).getField(source.eventTime()) : col(KAFKA_TIMESTAMP);
      columns.add(struct(time.as("time"), col(KAFKA_PARTITION).as("partition"),
          col(KAFKA_OFFSET).as("offset")).as(ORDER));
    }
    Dataset<Row> rows = withEvent(source, raw)
        .where(valid(source))
        .select(columns.toArray(Column[]::new))
        .drop(SourceSpec.CORRUPT_RECORD_COLUMN);
    if (source.hasWatermark()) {
      rows = rows.withWatermark(source.eventTime(), Intervals.toSpark(source.watermark()));
    }
    return rows;
  }

  /** The raw rows plus {@link #EVENT}, the value parsed against the source schema. */
  public static Dataset<Row> withEvent(SourceSpec source, Dataset<Row> raw) {
    if (source.changelog()) {
      return ChangeEvents.withChange(source, raw);
    }
    return raw.withColumn(EVENT, json(raw, parseSchema(source.schema())));
  }

  /**
   * {@code raw}'s value parsed against {@code schema} (the corrupt-record column last), every
   * field nullable, as {@code from_json} in PERMISSIVE mode does: {@link JsonEventDecoder}.
   */
  static Column json(Dataset<Row> raw, StructType schema) {
    return JsonEventDecoder.column(col(VALUE), raw.schema().apply(VALUE).dataType(),
        schema.asNullable(),
        SourceSpec.CORRUPT_RECORD_COLUMN,
        raw.sparkSession().conf().get("spark.sql.session.timeZone"));
  }

  /**
   * True for an event views may use: it parsed as a JSON object whose fields have the schema's
   * types (Spark keeps the text of any other in the corrupt-record column), and every NOT NULL
   * field is present. Null-safe: the predicate is false, never null, so its negation selects
   * exactly the dead letters.
   */
  public static Column valid(SourceSpec source) {
    if (source.changelog()) {
      return ChangeEvents.valid(source);
    }
    Column event = col(EVENT);
    Column valid = event.isNotNull()
        .and(event.getField(SourceSpec.CORRUPT_RECORD_COLUMN).isNull());
    for (StructField f : source.schema().fields()) {
      if (!f.nullable()) {
        valid = valid.and(event.getField(f.name()).isNotNull());
      }
    }
    return coalesce(valid, lit(false));
  }

  /**
   * True for a record that goes to the dead-letter topic: the exact complement of {@link #valid}
   * among the records a source reads (a changelog skips Kafka tombstones, records without a value,
   * which are neither). Null-safe.
   */
  public static Column deadLetter(SourceSpec source) {
    Column refused = not(valid(source));
    return source.changelog() ? refused.and(col(VALUE).isNotNull()) : refused;
  }

  /**
   * The source's schema plus the corrupt-record column. The JSON parser reads every field as
   * nullable; NOT NULL is enforced by the filter instead.
   */
  static StructType parseSchema(StructType schema) {
    return schema.asNullable().add(SourceSpec.CORRUPT_RECORD_COLUMN, DataTypes.StringType, true);
  }

  /** A column reference that survives dots and spaces in the name. */
  static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }
}
