package io.streamgate.processor.view;

import io.streamgate.contract.Scripts;
import io.streamgate.contract.Scripts.Fold;
import io.streamgate.processor.pipeline.ViewSpec;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters$;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.RuntimeReplaceable;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.jdk.javaapi.CollectionConverters;

/**
 * How a real-time aggregate view's events become its rows ({@link RealTimeAggregates}): reads an
 * event's groups and deltas from the stateless query's row, and computes a row's key and serving
 * columns ({@link ViewTransform}: key, value, rank) from its groups and the running partial
 * aggregates Redis returns, with the view's own expressions (bound, interpreted). Serializable: it
 * travels to the executors inside the writer. Not thread-safe (interpreted expressions keep
 * buffers): one per task, as Spark makes them.
 */
public final class AggregateFold implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int groups;
  private final List<Fold> folds;
  private final DataType[] partialTypes;
  private final int order;
  private final Expression key;
  private final Expression[] serving;
  private final StructType servingSchema;

  private AggregateFold(int groups, List<Fold> folds, DataType[] partialTypes, int order,
      Expression key, Expression[] serving, StructType servingSchema) {
    this.groups = groups;
    this.folds = List.copyOf(folds);
    this.partialTypes = partialTypes;
    this.order = order;
    this.key = key;
    this.serving = serving;
    this.servingSchema = servingSchema;
  }

  /**
   * @param deltaSchema the stateless query's rows: groups, then one delta per partial, then the
   *     event's order ({@link ViewTransform#ORDER})
   * @param state the state's columns: groups, then partials
   * @param serving the serving rows over the state (a projection over a projection over it)
   */
  static AggregateFold of(ViewSpec view, StructType deltaSchema, int groups, List<Fold> folds,
      List<Attribute> state, Dataset<Row> serving) {
    List<Expression> exprs = collapse(serving.queryExecution().analyzed());
    Expression[] bound = new Expression[exprs.size()];
    for (int i = 0; i < bound.length; i++) {
      bound[i] = bind(replaceRuntime(exprs.get(i)), state);
    }
    StructType schema = serving.schema();
    int keyAt = schema.fieldIndex(ViewTransform.KEY);
    for (Attribute a : CollectionConverters.asJava(exprs.get(keyAt).references().toSeq())) {
      if (!a.name().startsWith(RealTimeAggregates.GROUP)) {
        throw new IllegalArgumentException("key column '" + view.key() + "' must be one of the"
            + " GROUP BY's columns, not an aggregate");
      }
    }
    DataType[] partialTypes = new DataType[folds.size()];
    for (int i = 0; i < partialTypes.length; i++) {
      partialTypes[i] = state.get(groups + i).dataType();
    }
    return new AggregateFold(groups, folds, partialTypes,
        deltaSchema.fieldIndex(ViewTransform.ORDER), bound[keyAt], bound, schema);
  }

  /** How each partial aggregate folds, in order. */
  public List<Fold> folds() {
    return folds;
  }

  /** The event's groups, in Spark's internal form. */
  public Object[] groups(Row event) {
    Object[] out = new Object[groups];
    for (int i = 0; i < groups; i++) {
      out[i] = CatalystTypeConverters$.MODULE$.convertToCatalyst(event.get(i));
    }
    return out;
  }

  /** The event's Kafka partition. */
  public int partition(Row event) {
    return event.getStruct(order).<Integer>getAs("partition");
  }

  /** The event's Kafka offset. */
  public long offset(Row event) {
    return event.getStruct(order).<Long>getAs("offset");
  }

  /** The event's value for each partial, as text that reads back as the same number, or null. */
  public List<String> deltas(Row event) {
    List<String> out = new ArrayList<>(folds.size());
    for (int i = 0; i < folds.size(); i++) {
      out.add(text(event.get(groups + i)));
    }
    return out;
  }

  private static String text(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d)) {
        return null; // Lua has no NaN literal; a NaN would make the running value NaN anyway
      }
      return Scripts.numberText(d);
    }
    return v.toString();
  }

  /** The row key of a group, or null when its key column is null. */
  public String key(Object[] groupValues) {
    Object k = key.eval(state(groupValues, null));
    return k == null ? null : k.toString();
  }

  /**
   * The serving row (key, value[, rank]) of a group whose partials are {@code partials}, as
   * {@code apply_deltas.lua} returns them (text, empty for null).
   */
  public Row serving(Object[] groupValues, List<String> partials) {
    GenericInternalRow input = state(groupValues, partials);
    Object[] out = new Object[serving.length];
    for (int i = 0; i < out.length; i++) {
      Object v = serving[i].eval(input);
      out[i] = v instanceof UTF8String s ? s.toString()
          : CatalystTypeConverters$.MODULE$.convertToScala(v, serving[i].dataType());
    }
    return new GenericRowWithSchema(out, servingSchema);
  }

  private GenericInternalRow state(Object[] groupValues, List<String> partials) {
    Object[] values = new Object[groups + partialTypes.length];
    System.arraycopy(groupValues, 0, values, 0, groups);
    for (int i = 0; partials != null && i < partialTypes.length; i++) {
      values[groups + i] = parse(partials.get(i), partialTypes[i]);
    }
    return new GenericInternalRow(values);
  }

  static Object parse(String text, DataType type) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (type instanceof DoubleType) {
      return Double.parseDouble(text);
    }
    if (type instanceof FloatType) {
      return (float) Double.parseDouble(text);
    }
    BigDecimal n = new BigDecimal(text); // '%.17g' may print a large integer with an exponent
    if (type instanceof LongType) {
      return n.longValue();
    }
    if (type instanceof IntegerType) {
      return n.intValue();
    }
    if (type instanceof ShortType) {
      return n.shortValue();
    }
    if (type instanceof ByteType) {
      return n.byteValue();
    }
    throw new IllegalStateException("a partial aggregate of type " + type.sql());
  }

  /**
   * The serving expressions over the state: the serving projection's, with the final projection's
   * columns replaced by their expressions.
   */
  private static List<Expression> collapse(LogicalPlan plan) {
    if (!(plan instanceof Project outer) || !(outer.child() instanceof Project inner)) {
      throw new IllegalStateException("serving rows over the state are not two projections: "
          + plan.getClass().getSimpleName());
    }
    Map<ExprId, Expression> finals = new HashMap<>();
    for (NamedExpression e : CollectionConverters.asJava(inner.projectList())) {
      finals.put(e.exprId(), e instanceof Alias a ? a.child() : (Expression) e);
    }
    List<Expression> out = new ArrayList<>();
    for (NamedExpression e : CollectionConverters.asJava(outer.projectList())) {
      out.add(substitute(e instanceof Alias a ? a.child() : (Expression) e, finals));
    }
    return out;
  }

  private static Expression substitute(Expression e, Map<ExprId, Expression> finals) {
    return CatalystTrees.transformDown(e, x -> x instanceof AttributeReference a
        ? finals.get(a.exprId()) : null);
  }

  /** {@code e} reading the state row by position instead of by attribute. */
  private static Expression bind(Expression e, List<Attribute> state) {
    return CatalystTrees.transformDown(e, x -> {
      if (!(x instanceof AttributeReference a)) {
        return null;
      }
      for (int i = 0; i < state.size(); i++) {
        if (state.get(i).exprId().equals(a.exprId())) {
          return new BoundReference(i, a.dataType(), true);
        }
      }
      throw new IllegalStateException("column " + a.name() + " is not in the aggregate's state");
    });
  }

  /** Expressions the optimizer would replace (they cannot be evaluated as they are). */
  private static Expression replaceRuntime(Expression e) {
    return CatalystTrees.transformDown(e, x -> x instanceof RuntimeReplaceable r
        ? replaceRuntime(r.replacement()) : null);
  }
}
