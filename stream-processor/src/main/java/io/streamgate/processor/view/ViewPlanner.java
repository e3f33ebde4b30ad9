package io.streamgate.processor.view;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.ViewKind;
import io.streamgate.processor.pipeline.Messages;
import io.streamgate.processor.pipeline.Pipeline;
import io.streamgate.processor.pipeline.PipelineException;
import io.streamgate.processor.pipeline.SourceSpec;
import io.streamgate.processor.pipeline.ViewSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnsupportedOperationChecker;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.EventTimeWatermark;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Checks every view of a pipeline against its parsed sources before any query starts, and turns
 * the valid ones into {@link ViewPlan}s. Problems, one line each naming file, view and problem:
 * SQL that does not parse, reads an unknown source or names a missing column; key column missing
 * or not a scalar; rank column missing or not numeric; index column missing, the key or not a
 * scalar; kind not matching the SQL (aggregate needs
 * GROUP BY, latest must not aggregate, windowed needs a watermark); SQL Spark cannot run as a
 * stream in the kind's output mode; over a debezium source, what {@link ChangelogViews} cannot
 * keep exact (joins, windowed, real-time, aggregates that cannot be retracted). Call from the
 * driver thread.
 */
public final class ViewPlanner {

  private ViewPlanner() {}

  /**
   * @param parsedSources every source of the pipeline, parsed (streaming Datasets in production,
   *     MemoryStream ones in tests); registered as temp views by this call
   * @throws PipelineException listing every problem found
   */
  public static List<ViewPlan> plan(
      SparkSession spark, Pipeline pipeline, Map<String, Dataset<Row>> parsedSources) {
    ViewTransform.registerSources(parsedSources);
    List<ViewPlan> plans = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (ViewSpec view : pipeline.views().values()) {
      try {
        plans.add(planOne(spark, pipeline, view, parsedSources));
      } catch (Problem p) {
        problems.add(pipeline.origin() + ": view '" + view.name() + "': " + p.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new PipelineException(problems);
    }
    return plans;
  }

  private static ViewPlan planOne(SparkSession spark, Pipeline pipeline, ViewSpec view,
      Map<String, Dataset<Row>> parsedSources) {
    LogicalPlan parsed;
    try {
      parsed = spark.sessionState().sqlParser().parsePlan(view.sql());
    } catch (ParseException e) {
      throw new Problem("SQL does not parse: " + Messages.firstLine(e));
    }
    checkLookups(pipeline, view, relations(parsed));
    SourceSpec changelog = changelogSource(pipeline, view, relations(parsed));
    Dataset<Row> output;
    try {
      output = changelog != null && view.kind() == ViewKind.AGGREGATE
          ? ViewTransform.carryColumn(ChangelogViews.aggregateOutput(spark, view, changelog,
              parsedSources.get(changelog.name())), ChangelogViews.ROWS)
          : ViewTransform.sqlOutput(spark, view);
    } catch (IllegalArgumentException e) {
      if (changelog == null) {
        throw e;
      }
      throw new Problem("aggregate over debezium source '" + changelog.name() + "': "
          + e.getMessage());
    } catch (Exception thrown) { // Scala hides that AnalysisException (checked) is thrown
      if (!(thrown instanceof AnalysisException e)) {
        throw thrown;
      }
      if ("TABLE_OR_VIEW_NOT_FOUND".equals(e.getCondition())) {
        String name = e.getMessageParameters().getOrDefault("relationName", "?").replace("`", "");
        throw new Problem("SQL reads unknown source '" + name + "' (sources: "
            + String.join(", ", pipeline.sourceNames()) + ")");
      }
      throw new Problem("SQL does not fit its sources: " + Messages.firstLine(e));
    }
    if (!output.isStreaming()) {
      throw new Problem("SQL reads no stream source; a view must select FROM one of "
          + String.join(", ", pipeline.sources().keySet())
          + (pipeline.tables().isEmpty() ? "" : " (lookup tables such as "
              + String.join(", ", pipeline.tables().keySet()) + " can only be joined to one)"));
    }

    if (changelog != null && view.kind() == ViewKind.AGGREGATE
        && ViewTransform.column(output, ChangelogViews.ROWS) == null) {
      throw new Problem("aggregate over debezium source '" + changelog.name() + "' must output"
          + " its GROUP BY's rows as they are (no query around the aggregation), so that a group"
          + " whose rows were all deleted can be deleted");
    }
    StructField[] fields = output.schema().fields();
    Set<String> seen = new HashSet<>();
    for (StructField f : fields) {
      if (!seen.add(f.name().toLowerCase(Locale.ROOT))) {
        throw new Problem("SQL output has two columns named '" + f.name()
            + "'; give one an alias (AS)");
      }
    }
    StructField key = field(fields, view.key());
    if (key == null) {
      throw new Problem("key column '" + view.key() + "' is not in the SQL output (columns: "
          + names(fields) + ")");
    }
    if (!(key.dataType() instanceof AtomicType)) {
      throw new Problem("key column '" + key.name() + "' has type " + key.dataType().sql()
          + "; a key must be a single value (e.g. concat the parts into a string)");
    }
    String rankColumn = null;
    if (view.ranked()) {
      StructField rank = field(fields, view.rank());
      if (rank == null) {
        throw new Problem("rank column '" + view.rank() + "' is not in the SQL output (columns: "
            + names(fields) + ")");
      }
      if (!(rank.dataType() instanceof NumericType)) {
        throw new Problem("rank column '" + rank.name() + "' must be numeric, but is "
            + rank.dataType().sql());
      }
      rankColumn = rank.name();
    }

    List<String> indexes = new ArrayList<>();
    for (String index : view.indexes()) {
      StructField column = field(fields, index);
      if (column == null) {
        throw new Problem("index column '" + index + "' is not in the SQL output (columns: "
            + names(fields) + ")");
      }
      if (column == key) {
        throw new Problem("index column '" + index + "' is the key column; the key needs no index");
      }
      if (!(column.dataType() instanceof AtomicType)) {
        throw new Problem("index column '" + column.name() + "' has type "
            + column.dataType().sql() + "; only single values (strings, numbers, booleans) are"
            + " indexed");
      }
      indexes.add(column.name());
    }

    LogicalPlan analyzed = output.queryExecution().analyzed();
    boolean aggregates = contains(analyzed, p -> p instanceof Aggregate);
    checkKind(pipeline, view, relations(parsed), aggregates, analyzed);
    if (view.kind() == ViewKind.WINDOWED && ViewTransform.windowColumn(output) == null) {
      throw new Problem("kind windowed needs its window in the SQL output (e.g. SELECT ..., window"
          + " ... GROUP BY ..., window(ts, '1 minute')), so each row can expire once its window"
          + " closes (columns: " + names(fields) + ")");
    }

    // Before Spark's own streaming checks: what real-time mode refuses is said in its terms.
    RealTimeAggregate realTimeAggregate = null;
    if (view.realTime() && view.kind() == ViewKind.AGGREGATE) {
      try {
        realTimeAggregate = RealTimeAggregates.plan(spark, view, output);
        UnsupportedOperationChecker.checkForStreaming(
            realTimeAggregate.deltas().queryExecution().analyzed(), OutputMode.Append());
      } catch (IllegalArgumentException e) {
        throw new Problem(e.getMessage());
      } catch (Exception thrown) { // AnalysisException, hidden by Scala
        if (!(thrown instanceof AnalysisException e)) {
          throw thrown;
        }
        throw new Problem("Spark cannot run this SQL in real-time mode: " + Messages.firstLine(e));
      }
    }
    OutputMode mode = outputMode(view.kind());
    Dataset<Row> serving = ViewTransform.serving(view,
        view.kind() == ViewKind.LATEST ? ViewTransform.carryEventOrder(output) : output);
    if (changelog != null && view.kind() == ViewKind.LATEST
        && ViewTransform.column(serving, ViewTransform.VERSION) == null) {
      throw new Problem("a latest view over debezium source '" + changelog.name() + "' must"
          + " select from it with projections and filters only, so each row keeps its change's"
          + " log position (which orders and deletes rows)");
    }
    try {
      if (changelog != null && view.kind() == ViewKind.AGGREGATE) {
        ChangelogViews.withoutWatermarkCheck(spark, () -> {
          UnsupportedOperationChecker.checkForStreaming(serving.queryExecution().analyzed(), mode);
          return null;
        });
      } else {
        UnsupportedOperationChecker.checkForStreaming(serving.queryExecution().analyzed(), mode);
      }
    } catch (Exception e) {
      if (e instanceof RuntimeException r && !(e instanceof AnalysisException)) {
        throw r;
      }
      if (!(e instanceof AnalysisException)) {
        throw new IllegalStateException(e);
      }
      throw new Problem("Spark cannot run this SQL as a stream in " + mode + " mode: "
          + Messages.firstLine(e));
    }

    List<CatalogEntry.Column> columns = new ArrayList<>();
    for (StructField f : fields) {
      if (f != key && !ViewTransform.hidden(f.name())) {
        columns.add(new CatalogEntry.Column(f.name(), f.dataType().simpleString()));
      }
    }
    Set<String> read = relations(parsed);
    Set<String> sources = new LinkedHashSet<>();
    for (String source : pipeline.sources().keySet()) {
      if (read.contains(source.toLowerCase(Locale.ROOT))) {
        sources.add(source);
      }
    }
    return new ViewPlan(view, serving, mode, columns, rankColumn,
        view.kind() == ViewKind.WINDOWED ? ViewTransform.windowColumn(output) : null, sources,
        indexes, realTimeAggregate);
  }

  /**
   * Lookup tables join streams in micro-batches only: Spark's real-time mode keeps its tasks
   * running for a whole batch, so a refreshed copy would not be seen when documented, and a
   * changelog's retractions would look up today's row instead of the one they were counted with.
   */
  private static void checkLookups(Pipeline pipeline, ViewSpec view, Set<String> read) {
    List<String> tables = new ArrayList<>();
    for (String table : pipeline.tables().keySet()) {
      if (read.contains(table.toLowerCase(Locale.ROOT))) {
        tables.add(table);
      }
    }
    if (tables.isEmpty()) {
      return;
    }
    if (view.realTime()) {
      throw new Problem("'trigger: realtime' cannot join lookup table " + String.join(", ", tables)
          + " (a refreshed copy is picked up between micro-batches); use a micro-batch trigger");
    }
    for (SourceSpec source : pipeline.sources().values()) {
      if (source.changelog() && read.contains(source.name().toLowerCase(Locale.ROOT))) {
        throw new Problem("debezium source '" + source.name() + "' cannot be joined to lookup"
            + " table " + String.join(", ", tables) + " (an update or delete would retract what"
            + " the table holds now, not what the change was counted with)");
      }
    }
  }

  /**
   * The debezium source a view reads, or null. A view over a changelog reads only that source
   * (a join would have to retract its matches too), as kind latest or aggregate, in micro-batches.
   */
  private static SourceSpec changelogSource(Pipeline pipeline, ViewSpec view, Set<String> read) {
    SourceSpec changelog = null;
    List<String> others = new ArrayList<>();
    for (SourceSpec source : pipeline.sources().values()) {
      if (!read.contains(source.name().toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (source.changelog() && changelog == null) {
        changelog = source;
      } else {
        others.add(source.name());
      }
    }
    if (changelog == null) {
      return null;
    }
    String where = "debezium source '" + changelog.name() + "'";
    if (!others.isEmpty()) {
      throw new Problem("a view over " + where + " reads only that source, but this one also"
          + " reads " + String.join(", ", others) + " (a join of changes is not kept exact)");
    }
    if (view.kind() == ViewKind.WINDOWED) {
      throw new Problem("kind windowed is not supported over " + where + "; use kind aggregate"
          + " (counts and sums stay exact under updates and deletes) or latest");
    }
    if (view.realTime()) {
      throw new Problem("'trigger: realtime' is not supported over " + where + " (deletes are"
          + " written by micro-batches); use a micro-batch trigger");
    }
    return changelog;
  }

  /**
   * A view's serving rows as a batch over {@code batchSources} (parsed batch Datasets, registered
   * as temp views of {@code spark} by this call), for previews: what the view's query would write
   * for these events. Over a changelog source the aggregate is rewritten as when it runs, each
   * key's newest row is kept, and deleted keys are left out.
   */
  public static Dataset<Row> batchServing(SparkSession spark, Map<String, SourceSpec> sources,
      ViewSpec view, Map<String, Dataset<Row>> batchSources) {
    ViewTransform.registerSources(batchSources);
    SourceSpec changelog = null;
    try {
      Set<String> read = relations(spark.sessionState().sqlParser().parsePlan(view.sql()));
      for (SourceSpec source : sources.values()) {
        if (source.changelog() && read.contains(source.name().toLowerCase(Locale.ROOT))) {
          changelog = source;
        }
      }
    } catch (ParseException e) {
      throw new IllegalArgumentException("SQL does not parse: " + Messages.firstLine(e), e);
    }
    if (changelog == null) {
      return ViewTransform.apply(spark, view);
    }
    Dataset<Row> output = view.kind() == ViewKind.AGGREGATE
        ? ViewTransform.carryColumn(ChangelogViews.aggregateOutput(spark, view, changelog,
            batchSources.get(changelog.name())), ChangelogViews.ROWS)
        : ViewTransform.carryEventOrder(ViewTransform.sqlOutput(spark, view));
    Dataset<Row> serving = ViewTransform.serving(view, output);
    if (view.kind() == ViewKind.LATEST) {
      serving = ViewTransform.newestPerKey(serving, ViewTransform.ORDER);
    }
    return serving.where(org.apache.spark.sql.functions.not(
        org.apache.spark.sql.functions.col(ViewTransform.DELETED)));
  }

  private static void checkKind(
      Pipeline pipeline, ViewSpec view, Set<String> read, boolean aggregates, LogicalPlan plan) {
    switch (view.kind()) {
      case AGGREGATE, WINDOWED -> {
        if (!aggregates) {
          throw new Problem("kind " + view.kind().wireName() + " needs SQL with GROUP BY; for a"
              + " projection use kind latest");
        }
      }
      case LATEST -> {
        if (aggregates) {
          throw new Problem("kind latest is a projection, but the SQL aggregates; use kind"
              + " aggregate (or windowed)");
        }
      }
    }
    if (view.kind() == ViewKind.WINDOWED && !contains(plan, p -> p instanceof EventTimeWatermark)) {
      List<String> without = new ArrayList<>();
      for (SourceSpec source : pipeline.sources().values()) {
        if (!source.hasWatermark() && read.contains(source.name().toLowerCase(Locale.ROOT))) {
          without.add(source.name());
        }
      }
      throw new Problem("kind windowed needs a watermark: set eventTime and watermark on source "
          + String.join(", ", without));
    }
  }

  /** Update for views whose rows change in place, append for projections. */
  static OutputMode outputMode(ViewKind kind) {
    return kind == ViewKind.LATEST ? OutputMode.Append() : OutputMode.Update();
  }

  /**
   * Lower-cased names of the tables the SQL's main plan reads (temp view lookups ignore case);
   * only used to name sources in messages.
   */
  private static Set<String> relations(LogicalPlan parsed) {
    Set<String> out = new LinkedHashSet<>();
    walk(parsed, p -> {
      if (p instanceof UnresolvedRelation r) {
        out.add(r.tableName().toLowerCase(Locale.ROOT));
      }
      return false;
    });
    return out;
  }

  private static boolean contains(LogicalPlan plan, Predicate<LogicalPlan> test) {
    return walk(plan, test);
  }

  private static boolean walk(LogicalPlan plan, Predicate<LogicalPlan> test) {
    if (test.test(plan)) {
      return true;
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      if (walk(child, test)) {
        return true;
      }
    }
    return false;
  }

  private static StructField field(StructField[] fields, String name) {
    for (StructField f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  private static String names(StructField[] fields) {
    List<String> out = new ArrayList<>();
    for (StructField f : fields) {
      out.add(f.name());
    }
    return String.join(", ", out);
  }

  /** One view's problem; the caller adds file and view name. */
  private static final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Problem(String message) {
      super(message, null, false, false);
    }
  }
}
