package io.streamgate.processor.view;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_millis;

import io.streamgate.contract.ViewKind;
import io.streamgate.processor.pipeline.ViewSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Pure: a view's SQL over its parsed sources, shaped into serving rows {@code (key, value[,
 * rank])}. The key is the key column cast to text; the value is the JSON object of every other
 * output column (nulls kept, timestamps ISO-8601 in the session time zone); the rank is the rank
 * column as a double; for windowed views {@link #WINDOW_END}, the end of the row's window. Call
 * from the driver thread.
 */
public final class ViewTransform {
  public static final String KEY = "key";
  public static final String VALUE = "value";
  public static final String RANK = "rank";
  /** Windowed views only: the end of the row's window, epoch milliseconds. */
  public static final String WINDOW_END = "window_end";
  /** ISO-8601 with milliseconds and offset; {@code Z} in the processor's UTC session. */
  static final String TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

  private ViewTransform() {}

  /**
   * Makes each parsed source visible to view SQL under its name (session temp views). A view's
   * Dataset keeps the plan it was analyzed with, so registering again later does not change it.
   */
  public static void registerSources(Map<String, Dataset<Row>> parsedSources) {
    parsedSources.forEach((name, rows) -> rows.createOrReplaceTempView(name));
  }

  /** The view's SQL, analyzed (throws Spark's ParseException or AnalysisException). */
  public static Dataset<Row> sqlOutput(SparkSession spark, ViewSpec view) {
    return spark.sql(view.sql());
  }

  /**
   * Serving rows of an analyzed SQL output. The key and rank columns must exist (see {@link
   * ViewPlanner}, which checks them with clear messages first).
   */
  public static Dataset<Row> serving(ViewSpec view, Dataset<Row> sqlOutput) {
    String keyColumn = column(sqlOutput, view.key());
    List<Column> valueColumns = new ArrayList<>();
    for (StructField f : sqlOutput.schema().fields()) {
      if (!f.name().equals(keyColumn)) {
        valueColumns.add(col(SourceParser.quote(f.name())));
      }
    }
    Column value = valueColumns.isEmpty()
        ? lit("{}")
        : to_json(struct(valueColumns.toArray(Column[]::new)),
            Map.of("timestampFormat", TIMESTAMP_FORMAT, "ignoreNullFields", "false"));
    List<Column> out = new ArrayList<>();
    out.add(col(SourceParser.quote(keyColumn)).cast(DataTypes.StringType).as(KEY));
    out.add(value.as(VALUE));
    if (view.ranked()) {
      out.add(col(SourceParser.quote(column(sqlOutput, view.rank()))).cast(DataTypes.DoubleType)
          .as(RANK));
    }
    String window = windowColumn(sqlOutput);
    if (view.kind() == ViewKind.WINDOWED && window != null) {
      out.add(unix_millis(col(SourceParser.quote(window)).getField("end")).as(WINDOW_END));
    }
    return sqlOutput.select(out.toArray(Column[]::new));
  }

  /**
   * The output column holding a time window ({@code STRUCT<start: TIMESTAMP, end: TIMESTAMP>},
   * what {@code window()} makes), or null.
   */
  public static String windowColumn(Dataset<Row> output) {
    for (StructField f : output.schema().fields()) {
      if (f.dataType() instanceof StructType s && s.fields().length == 2
          && s.getFieldIndex("start").isDefined() && s.getFieldIndex("end").isDefined()
          && s.apply("end").dataType().equals(DataTypes.TimestampType)) {
        return f.name();
      }
    }
    return null;
  }

  /** Both steps: SQL, then serving rows. */
  public static Dataset<Row> apply(SparkSession spark, ViewSpec view) {
    return serving(view, sqlOutput(spark, view));
  }

  /** The output column's exact name (Spark matches names case-insensitively), or null. */
  static String column(Dataset<Row> output, String name) {
    for (StructField f : output.schema().fields()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f.name();
      }
    }
    return null;
  }
}
