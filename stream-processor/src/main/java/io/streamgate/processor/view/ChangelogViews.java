package io.streamgate.processor.view;

import io.streamgate.processor.pipeline.SourceSpec;
import io.streamgate.processor.pipeline.ViewSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Aggregate views over a changelog source ({@link ChangeEvents}), kept exact under updates and
 * deletes. Call from the driver thread.
 *
 * <ul>
 *   <li><b>Signed rows.</b> The source's rows carry {@link ChangeEvents#SIGN}: an update retracts
 *       its before-image (-1) and adds its after-image (+1), a delete retracts. The view's
 *       aggregates are rewritten to weigh each row by its sign: {@code count(*)} becomes {@code
 *       sum(sign)}, {@code count(x)} the sum of the signs of rows where x is not null, {@code
 *       sum(x)} {@code sum(x * sign)}, {@code avg(x)} the one divided by the other. Other
 *       aggregates (min, max, count(DISTINCT …), …) cannot be retracted and are refused.
 *   <li><b>Empty groups.</b> Each aggregate also gets the hidden {@link #ROWS}, {@code
 *       sum(sign)}: the number of source rows in the group. A group whose rows were all retracted
 *       is deleted from the store, not left at zero.
 *   <li><b>Each change once.</b> The connector delivers at least once: after a crash it repeats
 *       the changes since its last stored position. Before aggregating, the rows pass {@link
 *       #newerChanges}: per primary key the log position (LSN) of the last change counted is kept
 *       in Spark state, and a change at or below it is dropped, as is a second copy of a change
 *       within one batch. Exact for any replay, and robust to a change of a key arriving after a
 *       later one.
 *   <li><b>Bounded state.</b> A key whose last change counted is a delete keeps its LSN for the
 *       view's {@code tombstoneRetention} (the same promise as a latest view's tombstone: replays
 *       older than that are not expected), then its state is removed. So the state holds the
 *       table's live keys plus the keys deleted within the retention, not every key ever seen.
 *       Time is the micro-batch's timestamp ({@link #SEEN}, a watermark without delay), so the
 *       removal runs with the batches that follow, never in idle extra batches.
 * </ul>
 */
public final class ChangelogViews {
  /** Hidden aggregate column: the number of source rows of the group (the sum of signs). */
  public static final String ROWS = "_sg_rows";
  /**
   * Hidden column of the deduplicated rows: the timestamp of the micro-batch that read the change
   * (Spark's {@code current_timestamp()} in a stream, the same when a batch is replayed); the
   * event time of the state's expiry.
   */
  static final String SEEN = "_sg_seen";
  private static final String ARGUMENT = "__sg_argument";
  private static final Set<String> RETRACTABLE = Set.of("count", "sum", "avg", "mean");

  private ChangelogViews() {}

  /**
   * The aggregate view's SQL, rewritten for signed rows and analyzed over {@code source}'s rows
   * passed through {@link #newerChanges}. The session's temp view of the source is swapped for
   * the deduplicated rows during analysis only (the Dataset keeps the plan it was analyzed with).
   *
   * @throws IllegalArgumentException for an aggregate that cannot be retracted, with the reason
   */
  static Dataset<Row> aggregateOutput(SparkSession spark, ViewSpec view, SourceSpec source,
      Dataset<Row> parsedSource) {
    ParserInterface parser = spark.sessionState().sqlParser();
    LogicalPlan plan;
    try {
      plan = parser.parsePlan(view.sql());
    } catch (Exception e) { // ParseException; the planner reported it already
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    LogicalPlan rewritten = rewrite(parser, plan);
    newerChanges(source, parsedSource, view.tombstoneRetention())
        .createOrReplaceTempView(source.name());
    try {
      Dataset<Row> output = org.apache.spark.sql.classic.Dataset.ofRows(
          (org.apache.spark.sql.classic.SparkSession) spark, rewritten);
      checkRetractable(output.queryExecution().analyzed());
      return output;
    } finally {
      parsedSource.createOrReplaceTempView(source.name());
    }
  }

  /**
   * Per key, only changes after the last one counted ({@code _lsn} greater than the key's state),
   * each once (one row per LSN and sign), in LSN order; the two rows of an update share an LSN
   * and pass together. Output mode append, so an aggregation may follow. A deleted key's state
   * is removed {@code retention} after the batch that counted its delete.
   */
  static Dataset<Row> newerChanges(SourceSpec source, Dataset<Row> parsed,
      java.time.Duration retention) {
    Dataset<Row> seen = parsed.withColumn(SEEN, functions.current_timestamp())
        .withWatermark(SEEN, "0 seconds");
    List<String> columns = List.of(seen.columns());
    int key = columns.indexOf(seen.schema().apply(source.key()).name());
    return seen
        .groupByKey((MapFunction<Row, String>) r -> String.valueOf(r.get(key)), Encoders.STRING())
        .flatMapGroupsWithState(new NewerChanges(columns.indexOf(SourceSpec.LSN_COLUMN),
                columns.indexOf(ChangeEvents.SIGN), columns.indexOf(SourceSpec.OP_COLUMN),
                columns.indexOf(SEEN), retention.toMillis()),
            OutputMode.Append(), Encoders.LONG(), Encoders.row(seen.schema()),
            GroupStateTimeout.EventTimeTimeout());
  }

  /**
   * State: the LSN of the key's last change counted; a deleted key's expires. Runs on executors;
   * serializable.
   */
  static final class NewerChanges
      implements FlatMapGroupsWithStateFunction<String, Row, Long, Row>, Serializable {
    private static final long serialVersionUID = 1L;
    private final int lsn;
    private final int sign;
    private final int op;
    private final int seen;
    private final long retentionMillis;

    NewerChanges(int lsn, int sign, int op, int seen, long retentionMillis) {
      this.lsn = lsn;
      this.sign = sign;
      this.op = op;
      this.seen = seen;
      this.retentionMillis = retentionMillis;
    }

    @Override
    public Iterator<Row> call(String key, Iterator<Row> rows, GroupState<Long> state) {
      if (state.hasTimedOut()) {
        state.remove(); // deleted longer ago than the retention: forget the key
        return java.util.Collections.emptyIterator();
      }
      long last = state.exists() ? state.get() : 0L;
      List<Row> newer = new ArrayList<>();
      while (rows.hasNext()) {
        Row row = rows.next();
        if (row.getLong(lsn) > last) {
          newer.add(row);
        }
      }
      if (newer.isEmpty()) {
        return newer.iterator();
      }
      newer.sort(Comparator.<Row>comparingLong(r -> r.getLong(lsn))
          .thenComparing(r -> -r.getInt(sign)));
      // A change repeated within the batch: one row per (LSN, sign) counts.
      List<Row> once = new ArrayList<>(newer.size());
      for (Row row : newer) {
        Row previous = once.isEmpty() ? null : once.get(once.size() - 1);
        if (previous == null || previous.getLong(lsn) != row.getLong(lsn)
            || previous.getInt(sign) != row.getInt(sign)) {
          once.add(row);
        }
      }
      Row newest = once.get(once.size() - 1);
      state.update(newest.getLong(lsn));
      if ("d".equals(newest.getString(op))) {
        // Without a new timeout the key's state stays (Spark resets it at each call).
        state.setTimeoutTimestamp(millis(newest.get(seen)) + retentionMillis);
      }
      return once.iterator();
    }
  }

  /**
   * Spark's check for chained stateful operators under a global watermark, which refuses the
   * per-key filter (a flatMapGroupsWithState with event-time timeout) before the aggregation,
   * because such a filter <em>could</em> emit rows older than the watermark that the next
   * operator would drop. This one cannot: every row it emits carries its batch's timestamp
   * ({@link #SEEN}), the watermark is the previous batch's, and the aggregation does not group by
   * it, so it drops nothing. The check is turned off for the planning and the start of such a
   * view only (a started query keeps a copy of the session's settings; the view manager plans
   * and starts queries on one thread).
   */
  public static final String WATERMARK_CORRECTNESS_CHECK =
      "spark.sql.streaming.statefulOperator.checkCorrectness.enabled";

  /** Runs {@code action} with {@link #WATERMARK_CORRECTNESS_CHECK} off, then restores it. */
  public static <T> T withoutWatermarkCheck(SparkSession spark,
      java.util.concurrent.Callable<T> action) throws Exception {
    String before = spark.conf().get(WATERMARK_CORRECTNESS_CHECK, "true");
    spark.conf().set(WATERMARK_CORRECTNESS_CHECK, "false");
    try {
      return action.call();
    } finally {
      spark.conf().set(WATERMARK_CORRECTNESS_CHECK, before);
    }
  }

  private static long millis(Object timestamp) {
    return timestamp instanceof java.time.Instant i ? i.toEpochMilli()
        : ((java.sql.Timestamp) timestamp).getTime();
  }

  /** The parsed plan with count/sum/avg weighed by the sign and {@link #ROWS} in each Aggregate. */
  private static LogicalPlan rewrite(ParserInterface parser, LogicalPlan plan) {
    List<LogicalPlan> children = new ArrayList<>();
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      children.add(rewrite(parser, child));
    }
    LogicalPlan out = children.isEmpty() ? plan
        : plan.withNewChildren(CollectionConverters.asScala(children).toSeq());
    out = out.mapExpressions(e -> rewrite(parser, e));
    if (out instanceof Aggregate a) {
      List<NamedExpression> outputs =
          new ArrayList<>(CollectionConverters.asJava(a.aggregateExpressions()));
      outputs.add((NamedExpression) expression(parser,
          "sum(" + ChangeEvents.SIGN + ") AS " + ROWS));
      out = a.copy(a.groupingExpressions(), CollectionConverters.asScala(outputs).toSeq(),
          a.child(), a.hint());
    }
    return out;
  }

  private static Expression rewrite(ParserInterface parser, Expression e) {
    List<Expression> children = new ArrayList<>();
    boolean changed = false;
    for (Expression child : CollectionConverters.asJava(e.children())) {
      Expression c = rewrite(parser, child);
      changed |= c != child;
      children.add(c);
    }
    Expression out = changed
        ? e.withNewChildren(CollectionConverters.asScala(children).toSeq()) : e;
    if (!(out instanceof UnresolvedFunction f)) {
      return out;
    }
    List<String> nameParts = CollectionConverters.asJava(f.nameParts());
    String name = nameParts.get(nameParts.size() - 1).toLowerCase(Locale.ROOT);
    if (!RETRACTABLE.contains(name)) {
      return out; // not an aggregate, or one checkRetractable refuses after analysis
    }
    if (f.isDistinct()) {
      throw new IllegalArgumentException(name + "(DISTINCT …) cannot be kept exact over a"
          + " changelog (a retraction does not say whether the value is still there)");
    }
    if (f.filter().isDefined()) {
      throw new IllegalArgumentException(name + "(…) FILTER (WHERE …) is not supported over a"
          + " changelog; use CASE WHEN inside the aggregate");
    }
    List<Expression> args = CollectionConverters.asJava(f.arguments());
    if (args.size() != 1) {
      throw new IllegalArgumentException(name + " over a changelog takes one argument, but has "
          + args.size());
    }
    String sign = ChangeEvents.SIGN;
    String counted = "CASE WHEN " + ARGUMENT + " IS NULL THEN 0 ELSE " + sign + " END";
    String template = switch (name) {
      case "count" -> "sum(" + counted + ")";
      case "sum" -> "sum(" + ARGUMENT + " * " + sign + ")";
      default -> "try_divide(sum(" + ARGUMENT + " * " + sign + "), sum(" + counted + "))";
    };
    return substitute(expression(parser, template), args.get(0));
  }

  private static Expression expression(ParserInterface parser, String text) {
    try {
      return parser.parseExpression(text);
    } catch (org.apache.spark.sql.catalyst.parser.ParseException e) {
      throw new IllegalStateException("a rewrite template does not parse: " + text, e);
    }
  }

  private static Expression substitute(Expression template, Expression argument) {
    return CatalystTrees.transformDown(template, e -> e instanceof UnresolvedAttribute a
        && a.name().equals(ARGUMENT) ? argument : null);
  }

  /** Every aggregate of the analyzed plan must be one of the rewritten sums. */
  private static void checkRetractable(LogicalPlan plan) {
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      checkRetractable(child);
    }
    if (plan instanceof Aggregate a) {
      for (NamedExpression e : CollectionConverters.asJava(a.aggregateExpressions())) {
        checkAggregates((Expression) e);
      }
    }
  }

  private static void checkAggregates(Expression e) {
    if (e instanceof AggregateExpression agg) {
      String name = agg.aggregateFunction().prettyName();
      if (!name.equals("sum")) {
        throw new IllegalArgumentException(name + "(…) cannot be kept exact over a changelog"
            + " (an update or delete cannot retract it); use count, sum or avg");
      }
      return;
    }
    for (Expression child : CollectionConverters.asJava(e.children())) {
      checkAggregates(child);
    }
  }
}
