package io.streamgate.processor.view;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;

import io.streamgate.processor.pipeline.Intervals;
import io.streamgate.processor.pipeline.SourceSpec;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Pure: raw events (a {@code value} column of JSON, string or binary, as Kafka delivers it) to the
 * typed rows of a source, with its watermark. Works the same on a Kafka stream, a
 * {@code MemoryStream} or a batch Dataset. Stateless and thread-safe.
 */
public final class SourceParser {
  /** The raw column holding one JSON event. */
  public static final String VALUE = "value";

  private SourceParser() {}

  public static Dataset<Row> parse(SourceSpec source, Dataset<Row> raw) {
    StructType schema = source.schema();
    Column event = from_json(
        col(VALUE).cast(DataTypes.StringType),
        parseSchema(schema),
        Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", SourceSpec.CORRUPT_RECORD_COLUMN));
    Column valid = col(SourceSpec.CORRUPT_RECORD_COLUMN).isNull();
    for (StructField f : schema.fields()) {
      if (!f.nullable()) {
        valid = valid.and(col(quote(f.name())).isNotNull());
      }
    }
    // TODO(dead-letter): events dropped here (not JSON, wrong types, a NOT NULL field missing) go
    // to the source's dead-letter topic once that exists; for now they are filtered out.
    Dataset<Row> rows = raw.select(event.as("event"))
        .where(col("event").isNotNull())
        .select("event.*")
        .where(valid)
        .drop(SourceSpec.CORRUPT_RECORD_COLUMN);
    if (source.hasWatermark()) {
      rows = rows.withWatermark(source.eventTime(), Intervals.toSpark(source.watermark()));
    }
    return rows;
  }

  /** The JSON parser reads every field as nullable; NOT NULL is enforced by the filter instead. */
  private static StructType parseSchema(StructType schema) {
    StructType out = new StructType();
    for (StructField f : schema.fields()) {
      out = out.add(new StructField(f.name(), f.dataType(), true, f.metadata()));
    }
    return out.add(SourceSpec.CORRUPT_RECORD_COLUMN, DataTypes.StringType, true);
  }

  /** A column reference that survives dots and spaces in the name. */
  static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }
}
