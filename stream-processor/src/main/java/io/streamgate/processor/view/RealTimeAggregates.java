package io.streamgate.processor.view;

import io.streamgate.contract.Scripts.Fold;
import io.streamgate.processor.pipeline.ViewSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Alias$;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.AttributeReference$;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.DateFromUnixDate;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.MicrosToTimestamp;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnixDate;
import org.apache.spark.sql.catalyst.expressions.UnixMicros;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.aggregate.Average;
import org.apache.spark.sql.catalyst.expressions.aggregate.Count;
import org.apache.spark.sql.catalyst.expressions.aggregate.Max;
import org.apache.spark.sql.catalyst.expressions.aggregate.Min;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.TimestampType;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Aggregate views in Spark's real-time mode, which runs stateless queries only. The view's GROUP
 * BY is split in two: Spark runs the stateless part (the SQL below the aggregation), emitting per
 * event its group and its contribution to each aggregate (a delta); Redis keeps the running
 * aggregates of each row and folds every event in exactly once ({@code apply_deltas.lua}); the
 * writer then computes the row's value from them with the view's own expressions ({@link
 * AggregateFold}). So an aggregate is as fresh as a latest view, and no micro-batch (with its
 * planning, state store and checkpoint per second) runs while nothing happens.
 *
 * <p>Decomposable aggregates only: {@code count}, {@code sum}, {@code avg} of numbers, {@code
 * min}/{@code max} of numbers, dates and timestamps, in any expression of the output (such as
 * {@code round(sum(x), 2)}). The SQL must be one SELECT … FROM … [WHERE …] GROUP BY … over one
 * Kafka source (no HAVING, no query around it), and the key column one of the GROUP BY's. Call
 * from the driver thread.
 */
public final class RealTimeAggregates {
  /** Delta columns: the event's groups, then its values for each partial aggregate. */
  static final String GROUP = "_sg_group";
  static final String DELTA = "_sg_delta";

  private RealTimeAggregates() {}

  /**
   * The view's stateless query and how to fold and serve its output.
   *
   * @param output the view's analyzed SQL output (one Aggregate at its top)
   * @throws IllegalArgumentException naming what real-time mode cannot keep, for the planner
   */
  static RealTimeAggregate plan(SparkSession spark, ViewSpec view, Dataset<Row> output) {
    LogicalPlan top = output.queryExecution().analyzed();
    while (top instanceof SubqueryAlias s) {
      top = s.child();
    }
    if (!(top instanceof Aggregate aggregate)) {
      throw new IllegalArgumentException("'trigger: realtime' aggregates need one SELECT … FROM …"
          + " [WHERE …] GROUP BY … (no HAVING, ORDER BY or query around the aggregation)");
    }
    if (contains(aggregate.child(), p -> p instanceof Aggregate)) {
      throw new IllegalArgumentException("'trigger: realtime' aggregates cannot aggregate twice");
    }
    Dataset<Row> input = ViewTransform.carryColumn(ofRows(spark, aggregate.child()),
        ViewTransform.ORDER);
    Attribute order = attribute(input, ViewTransform.ORDER);
    if (order == null) {
      throw new IllegalArgumentException("'trigger: realtime' aggregates read exactly one Kafka"
          + " source (events are folded in by their partition and offset)");
    }

    List<Expression> groupings = CollectionConverters.asJava(aggregate.groupingExpressions());
    List<NamedExpression> deltaColumns = new ArrayList<>();
    List<Attribute> stateAttributes = new ArrayList<>();
    for (int i = 0; i < groupings.size(); i++) {
      Expression g = groupings.get(i);
      checkGroupType(g);
      deltaColumns.add(alias(g, GROUP + i));
      stateAttributes.add(attribute(GROUP + i, g.dataType()));
    }
    Partials partials = new Partials(deltaColumns, stateAttributes);
    List<NamedExpression> finals = new ArrayList<>();
    for (NamedExpression out : CollectionConverters.asJava(aggregate.aggregateExpressions())) {
      Expression body = out instanceof Alias a ? a.child() : (Expression) out;
      finals.add(alias(rewrite(body, groupings, stateAttributes, partials), out.name()));
    }
    deltaColumns.add(order);

    Dataset<Row> deltas = ofRows(spark,
        new Project(seq(deltaColumns), input.queryExecution().analyzed()));
    Dataset<Row> finalOutput = ofRows(spark, new Project(seq(finals),
        LocalRelation$.MODULE$.apply(CollectionConverters.asScala(stateAttributes).toSeq())));
    Dataset<Row> serving = ViewTransform.serving(view, finalOutput);
    return new RealTimeAggregate(deltas, AggregateFold.of(view, deltas.schema(), groupings.size(),
        partials.folds, stateAttributes, serving));
  }

  /** The deltas and state columns of the partial aggregates, one or two per aggregate. */
  private static final class Partials {
    final List<NamedExpression> deltaColumns;
    final List<Attribute> stateAttributes;
    final List<Fold> folds = new ArrayList<>();
    private final Memo finals = new Memo();
    private final Memo counts = new Memo();

    Partials(List<NamedExpression> deltaColumns, List<Attribute> stateAttributes) {
      this.deltaColumns = deltaColumns;
      this.stateAttributes = stateAttributes;
    }

    /** The final value of {@code aggregate} over the state; each distinct one is kept once. */
    Expression of(AggregateExpression aggregate) {
      return finals.get(aggregate, () -> decompose(aggregate));
    }

    private Expression decompose(AggregateExpression aggregate) {
      AggregateFunction f = aggregate.aggregateFunction();
      String name = f.prettyName();
      if (aggregate.isDistinct()) {
        throw new IllegalArgumentException(name + "(DISTINCT …) cannot run in real-time mode"
            + " (it needs every value seen); use a micro-batch trigger");
      }
      if (aggregate.filter().isDefined()) {
        throw new IllegalArgumentException(name + "(…) FILTER (WHERE …) is not supported in"
            + " real-time mode; use CASE WHEN inside the aggregate");
      }
      List<Expression> args = CollectionConverters.asJava(f.children());
      if (f instanceof Count) {
        if (args.size() != 1) {
          throw new IllegalArgumentException("count takes one argument in real-time mode");
        }
        return counted(args.get(0));
      }
      if (f instanceof Sum && number(f.dataType())) {
        return partial(Fold.ADD, cast(args.get(0), f.dataType()), f.dataType());
      }
      if (f instanceof Average && f.dataType() instanceof DoubleType) {
        Expression sum = partial(Fold.ADD, cast(args.get(0), DataTypes.DoubleType),
            DataTypes.DoubleType);
        Expression count = counted(args.get(0));
        return new If(new EqualTo(count, Literal.create(0L, DataTypes.LongType)),
            Literal.create(null, DataTypes.DoubleType),
            new Divide(sum, cast(count, DataTypes.DoubleType)));
      }
      if (f instanceof Min || f instanceof Max) {
        Fold fold = f instanceof Min ? Fold.MIN : Fold.MAX;
        Expression x = args.get(0);
        DataType type = x.dataType();
        if (number(type)) {
          return partial(fold, x, type);
        }
        if (type instanceof TimestampType) {
          return new MicrosToTimestamp(partial(fold, new UnixMicros(x), DataTypes.LongType));
        }
        if (type instanceof DateType) {
          return new DateFromUnixDate(partial(fold, new UnixDate(x), DataTypes.IntegerType));
        }
        throw new IllegalArgumentException(name + " of " + type.sql() + " cannot run in real-time"
            + " mode; min and max keep numbers, dates and timestamps there");
      }
      throw new IllegalArgumentException(name + "(…) cannot run in real-time mode, which keeps"
          + " count, sum, avg, min and max (of numbers) as running totals; use a micro-batch"
          + " trigger");
    }

    /** count(x): adds 1 per event where x is not null; 0 before any. One partial per x. */
    private Expression counted(Expression x) {
      return counts.get(x, () -> newCount(x));
    }

    private Expression newCount(Expression x) {
      Expression delta = new If(new IsNull(x), Literal.create(0L, DataTypes.LongType),
          Literal.create(1L, DataTypes.LongType));
      Expression state = partial(Fold.ADD, delta, DataTypes.LongType);
      return new org.apache.spark.sql.catalyst.expressions.Coalesce(
          CollectionConverters.asScala(List.of(state, Literal.create(0L, DataTypes.LongType)))
              .toSeq());
    }

    private Expression partial(Fold fold, Expression delta, DataType type) {
      int i = folds.size();
      folds.add(fold);
      deltaColumns.add(alias(delta, DELTA + i));
      Attribute state = attribute(DELTA + i, type);
      stateAttributes.add(state);
      return state;
    }
  }

  /** Expressions made once per semantically equal expression (count(x) of avg(x) and count(x)). */
  private static final class Memo {
    private final List<Expression> keys = new ArrayList<>();
    private final List<Expression> values = new ArrayList<>();

    Expression get(Expression key, java.util.function.Supplier<Expression> make) {
      for (int i = 0; i < keys.size(); i++) {
        if (keys.get(i).semanticEquals(key)) {
          return values.get(i);
        }
      }
      Expression value = make.get();
      keys.add(key);
      values.add(value);
      return value;
    }
  }

  /**
   * {@code e} over the state: the GROUP BY's expressions become the group columns, each aggregate
   * its final value over the partials.
   */
  private static Expression rewrite(Expression e, List<Expression> groupings,
      List<Attribute> state, Partials partials) {
    return CatalystTrees.transformDown(e, x -> {
      for (int i = 0; i < groupings.size(); i++) {
        if (groupings.get(i).semanticEquals(x)) {
          return state.get(i);
        }
      }
      if (x instanceof AggregateExpression a) {
        return partials.of(a);
      }
      if (x instanceof Attribute a) {
        throw new IllegalArgumentException("column " + a.name() + " is neither grouped nor"
            + " aggregated");
      }
      if (!x.deterministic()) {
        throw new IllegalArgumentException("'" + x.sql() + "' is not deterministic; real-time"
            + " aggregates compute their values again at every event");
      }
      return null;
    });
  }

  private static void checkGroupType(Expression g) {
    DataType t = g.dataType();
    if (!(t instanceof org.apache.spark.sql.types.AtomicType)) {
      throw new IllegalArgumentException("GROUP BY " + g.sql() + " has type " + t.sql()
          + "; real-time aggregates group by single values");
    }
  }

  private static boolean number(DataType t) {
    return t instanceof LongType || t instanceof IntegerType || t instanceof ShortType
        || t instanceof ByteType || t instanceof DoubleType || t instanceof FloatType;
  }

  private static Expression cast(Expression e, DataType type) {
    return e.dataType().equals(type) ? e : new Cast(e, type, Option.empty());
  }

  private static NamedExpression alias(Expression e, String name) {
    return Alias$.MODULE$.apply(e, name, Alias$.MODULE$.apply$default$3(e, name),
        Alias$.MODULE$.apply$default$4(e, name), Alias$.MODULE$.apply$default$5(e, name),
        Alias$.MODULE$.apply$default$6(e, name));
  }

  private static AttributeReference attribute(String name, DataType type) {
    Metadata none = Metadata.empty();
    return AttributeReference$.MODULE$.apply(name, type, true, none,
        AttributeReference$.MODULE$.apply$default$5(name, type, true, none),
        AttributeReference$.MODULE$.apply$default$6(name, type, true, none));
  }

  private static Attribute attribute(Dataset<Row> rows, String name) {
    for (Attribute a : CollectionConverters.asJava(rows.queryExecution().analyzed().output())) {
      if (a.name().equals(name)) {
        return a;
      }
    }
    return null;
  }

  private static boolean contains(LogicalPlan plan, java.util.function.Predicate<LogicalPlan> t) {
    if (t.test(plan)) {
      return true;
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      if (contains(child, t)) {
        return true;
      }
    }
    return false;
  }

  private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toSeq();
  }

  private static Dataset<Row> ofRows(SparkSession spark, LogicalPlan plan) {
    return org.apache.spark.sql.classic.Dataset.ofRows(
        (org.apache.spark.sql.classic.SparkSession) spark, plan);
  }
}
