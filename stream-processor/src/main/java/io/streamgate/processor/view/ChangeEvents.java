package io.streamgate.processor.view;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.when;

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
 * Pure: Debezium change events (the JSON envelope {@code {before, after, source, op}}, bare or
 * wrapped as {@code {"schema":…,"payload":…}}) to the rows of a changelog source.
 *
 * <p>Each change becomes one or two rows, signed: an insert or snapshot read ({@code c}, {@code r})
 * its after-image with sign +1; an update ({@code u}) its before-image with -1 (when the table has
 * REPLICA IDENTITY FULL) and its after-image with +1; a delete ({@code d}) its before-image with
 * -1. The rows carry the source schema's columns, {@code _op}, {@code _lsn} ({@code source.lsn}),
 * {@code _source_ts} ({@code source.ts_ms}) and two hidden columns: {@link #SIGN} and {@link
 * SourceParser#ORDER}, {@code STRUCT<lsn, sign>}, which orders a key's rows (a later change wins;
 * within one change the after-image wins). Aggregates sum the signs ({@link ChangelogViews}); a
 * latest view writes a key's newest row, or deletes the key when that row is a retraction.
 *
 * <p>Kafka tombstones (records without a value) are skipped. Records that are not a change event
 * of the schema (not JSON, no known {@code op}, no {@code source.lsn}, no image, no key, a NOT
 * NULL column missing from the after-image) are left out here and are the source's dead letters.
 * Stateless and thread-safe.
 */
public final class ChangeEvents {
  /** Hidden: +1 for an image that is in the table after the change, -1 for one that left it. */
  public static final String SIGN = "_sg_sign";
  /** Column holding the change's envelope, whichever form the record had. */
  static final String CHANGE = "_sg_change";
  private static final List<String> OPS = List.of("c", "r", "u", "d");

  private ChangeEvents() {}

  /** The raw rows plus {@link SourceParser#EVENT} (the record parsed) and {@link #CHANGE}. */
  static Dataset<Row> withChange(SourceSpec source, Dataset<Row> raw) {
    StructType row = nullable(source.schema());
    StructType position = new StructType()
        .add("lsn", DataTypes.LongType)
        .add("ts_ms", DataTypes.LongType);
    StructType envelope = new StructType()
        .add("before", row)
        .add("after", row)
        .add("source", position)
        .add("op", DataTypes.StringType);
    StructType record = new StructType()
        .add("payload", envelope)
        .add("before", row)
        .add("after", row)
        .add("source", position)
        .add("op", DataTypes.StringType)
        .add(SourceSpec.CORRUPT_RECORD_COLUMN, DataTypes.StringType);
    Column event = SourceParser.json(raw, record);
    Column e = col(SourceParser.EVENT);
    Column bare = struct(e.getField("before").as("before"), e.getField("after").as("after"),
        e.getField("source").as("source"), e.getField("op").as("op"));
    return raw.withColumn(SourceParser.EVENT, event)
        .withColumn(CHANGE, when(e.getField("payload").isNotNull(), e.getField("payload"))
            .otherwise(bare));
  }

  /**
   * True for a change the source's views use; false (never null) for anything else, Kafka
   * tombstones included (see {@link SourceParser#deadLetter}).
   */
  static Column valid(SourceSpec source) {
    Column change = col(CHANGE);
    Column op = change.getField("op");
    Column image = image(change);
    Column valid = col(SourceParser.EVENT).isNotNull()
        .and(col(SourceParser.EVENT).getField(SourceSpec.CORRUPT_RECORD_COLUMN).isNull())
        .and(op.isin(OPS.toArray()))
        .and(change.getField("source").getField("lsn").isNotNull())
        .and(change.getField("source").getField("lsn").gt(0))
        .and(image.isNotNull())
        .and(image.getField(source.key()).isNotNull());
    for (StructField f : source.schema().fields()) {
      if (!f.nullable()) {
        // A delete's before-image holds only the key unless the table has REPLICA IDENTITY FULL.
        valid = valid.and(op.equalTo("d")
            .or(change.getField("after").getField(f.name()).isNotNull()));
      }
    }
    return coalesce(valid, lit(false));
  }

  /** The source's valid changes as signed rows (see the class comment). */
  static Dataset<Row> parse(SourceSpec source, Dataset<Row> raw) {
    Column change = col(CHANGE);
    Column after = struct(lit(1).as("sign"), change.getField("after").as("image"));
    Column before = struct(lit(-1).as("sign"), change.getField("before").as("image"));
    // After-image first: a writer that applies rows one by one (real time) keeps the after-image.
    Column images = filter(array(after, before), i -> i.getField("image").isNotNull()
        .and(i.getField("sign").equalTo(1).or(change.getField("op").isin("u", "d"))));
    Column lsn = change.getField("source").getField("lsn");
    Dataset<Row> exploded = withChange(source, raw)
        .where(valid(source))
        .select(explode(images).as("_sg_image"), change.getField("op").as(SourceSpec.OP_COLUMN),
            lsn.as(SourceSpec.LSN_COLUMN),
            timestamp_millis(change.getField("source").getField("ts_ms"))
                .as(SourceSpec.SOURCE_TS_COLUMN));
    List<Column> columns = new ArrayList<>();
    for (StructField f : source.schema().fields()) {
      columns.add(col("_sg_image.image").getField(f.name()).as(f.name()));
    }
    columns.add(col(SourceSpec.OP_COLUMN));
    columns.add(col(SourceSpec.LSN_COLUMN));
    columns.add(col(SourceSpec.SOURCE_TS_COLUMN));
    columns.add(col("_sg_image.sign").as(SIGN));
    columns.add(struct(col(SourceSpec.LSN_COLUMN).as("lsn"), col("_sg_image.sign").as("sign"))
        .as(SourceParser.ORDER));
    return exploded.select(columns.toArray(Column[]::new));
  }

  /** The row the change is about: the after-image, or for a delete the before-image. */
  private static Column image(Column change) {
    return when(change.getField("op").equalTo("d"), change.getField("before"))
        .otherwise(change.getField("after"));
  }

  private static StructType nullable(StructType schema) {
    StructType out = new StructType();
    for (StructField f : schema.fields()) {
      out = out.add(new StructField(f.name(), f.dataType(), true, f.metadata()));
    }
    return out;
  }

  /** True if {@code order}, a type of {@link SourceParser#ORDER}, is a changelog's. */
  static boolean isChangeOrder(org.apache.spark.sql.types.DataType order) {
    return order instanceof StructType s && s.getFieldIndex("lsn").isDefined()
        && s.getFieldIndex("sign").isDefined();
  }
}
