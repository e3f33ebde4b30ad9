package io.streamgate.processor.view;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import io.streamgate.contract.ViewKind;
import io.streamgate.processor.pipeline.SourceSpec;
import io.streamgate.processor.pipeline.ViewSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Pure: a view's SQL over its parsed sources, shaped into serving rows {@code (key, value[,
 * rank][, window_end | _sg_order][, _sg_version][, _sg_deleted])}. The key is the key column cast
 * to text; the value is the JSON object of every other output column (nulls kept, timestamps
 * ISO-8601 in the session time zone; hidden {@code _sg_} columns left out); the rank is the rank
 * column as a double; for windowed views {@link #WINDOW_END}, the end of the row's window; for
 * latest views over Kafka {@link #ORDER}, the order of the row's event. Views over a changelog
 * ({@link ChangeEvents}) also get {@link #DELETED} and, latest views, {@link #VERSION}. Call from
 * the driver thread.
 */
public final class ViewTransform {
  public static final String KEY = "key";
  public static final String VALUE = "value";
  public static final String RANK = "rank";
  /** Windowed views only: the end of the row's window, epoch milliseconds. */
  public static final String WINDOW_END = "window_end";
  /**
   * Latest views over Kafka sources: the order of the row's event ({@link SourceParser#ORDER}),
   * carried through the view's SQL by {@link #carryEventOrder}.
   */
  public static final String ORDER = SourceParser.ORDER;
  /**
   * Latest views over a changelog: the row's store version, from the change's log position:
   * {@code 2 × LSN + 1} for a row in the table after the change, {@code 2 × LSN} for one that
   * left it (so within one change the after-image wins, and any later change beats both).
   */
  public static final String VERSION = "_sg_version";
  /**
   * Views over a changelog: true if the key is to be deleted (a latest view's newest row is a
   * retraction; an aggregate's group has no rows left).
   */
  public static final String DELETED = "_sg_deleted";
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
      if (!f.name().equals(keyColumn) && !hidden(f.name())) {
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
    if (view.kind() == ViewKind.LATEST && column(sqlOutput, ORDER) != null) {
      out.add(col(ORDER));
      if (ChangeEvents.isChangeOrder(sqlOutput.schema().apply(ORDER).dataType())) {
        Column sign = col(ORDER).getField("sign");
        out.add(col(ORDER).getField("lsn").multiply(2)
            .plus(when(sign.gt(0), 1).otherwise(0)).as(VERSION));
        out.add(sign.lt(0).as(DELETED));
      }
    }
    if (view.kind() != ViewKind.LATEST && column(sqlOutput, ChangelogViews.ROWS) != null) {
      out.add(col(ChangelogViews.ROWS).leq(0).as(DELETED));
    }
    return sqlOutput.select(out.toArray(Column[]::new));
  }

  /** The processor's own columns ({@code _sg_…}), never part of a value or the catalog. */
  public static boolean hidden(String column) {
    return column.toLowerCase(Locale.ROOT).startsWith(SourceSpec.HIDDEN_PREFIX);
  }

  /**
   * A latest view's SQL output with {@link #ORDER} of each row's event added, so that {@link
   * #newestPerKey} can pick the newest event of a key. The view's SQL selects its own columns, so
   * every projection of its analyzed plan gets the source's order column appended (attribute ids
   * unchanged, so nothing above them changes meaning). Returns {@code output} itself when the
   * sources carry no order (not Kafka) or it is ambiguous (a join of two sources).
   */
  public static Dataset<Row> carryEventOrder(Dataset<Row> output) {
    return carryColumn(output, ORDER);
  }

  /**
   * {@code output} with the hidden column {@code name} of a plan node below carried up through
   * every projection above it (as {@link #carryEventOrder} does for {@link #ORDER}); {@code
   * output} itself if it has the column already, or no single one is found below.
   */
  static Dataset<Row> carryColumn(Dataset<Row> output, String name) {
    if (column(output, name) != null) {
      return output; // SELECT * kept it
    }
    LogicalPlan carried = carry(output.queryExecution().analyzed(), name);
    if (single(carried.output(), name) == null) {
      return output;
    }
    org.apache.spark.sql.classic.Dataset<Row> classic =
        (org.apache.spark.sql.classic.Dataset<Row>) output;
    return org.apache.spark.sql.classic.Dataset.ofRows(classic.sparkSession(), carried);
  }

  private static LogicalPlan carry(LogicalPlan plan, String name) {
    List<LogicalPlan> children = new ArrayList<>();
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      children.add(carry(child, name));
    }
    LogicalPlan out = children.isEmpty() ? plan
        : plan.withNewChildren(CollectionConverters.asScala(children).toSeq());
    if (out instanceof Project p && single(p.output(), name) == null) {
      Attribute order = single(p.child().output(), name);
      if (order != null) {
        List<NamedExpression> list = new ArrayList<>(CollectionConverters.asJava(p.projectList()));
        list.add(order);
        out = new Project(CollectionConverters.asScala(list).toSeq(), p.child());
      }
    }
    return out;
  }

  private static Attribute single(Seq<Attribute> attributes, String name) {
    Attribute found = null;
    for (Attribute a : CollectionConverters.asJava(attributes)) {
      if (a.name().equals(name)) {
        if (found != null) {
          return null;
        }
        found = a;
      }
    }
    return found;
  }

  /**
   * Pure, on one micro-batch of serving rows: the newest row of each key, by {@code orderColumn}
   * (largest wins; for {@link #ORDER} that is event time, then Kafka partition, then offset), with
   * the batch's columns in the same order. The batch's partitioning does not matter: rows of one
   * key in several partitions meet in one group. Ties (equal order) go to the larger row, so the
   * choice never depends on partition order.
   */
  public static Dataset<Row> newestPerKey(Dataset<Row> batch, String orderColumn) {
    Column[] all = java.util.Arrays.stream(batch.columns())
        .map(c -> col(SourceParser.quote(c))).toArray(Column[]::new);
    return batch.groupBy(col(KEY))
        .agg(max(struct(col(SourceParser.quote(orderColumn)).as("o"), struct(all).as("r")))
            .as("m"))
        .select(col("m.r.*"));
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
