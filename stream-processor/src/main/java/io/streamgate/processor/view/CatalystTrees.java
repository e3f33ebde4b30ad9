package io.streamgate.processor.view;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.jdk.javaapi.CollectionConverters;

/** Rewrites of Catalyst expression trees from Java (Scala's partial functions do not fit). */
final class CatalystTrees {
  private CatalystTrees() {}

  /**
   * {@code e} rewritten top-down: where {@code replace} returns an expression, it takes the node's
   * place (and is not descended into); where it returns null, the node's children are rewritten.
   * Unchanged subtrees keep their identity.
   */
  static Expression transformDown(Expression e, Function<Expression, Expression> replace) {
    Expression replaced = replace.apply(e);
    if (replaced != null) {
      return replaced;
    }
    List<Expression> children = new ArrayList<>();
    boolean changed = false;
    for (Expression child : CollectionConverters.asJava(e.children())) {
      Expression c = transformDown(child, replace);
      changed |= c != child;
      children.add(c);
    }
    return changed ? e.withNewChildren(CollectionConverters.asScala(children).toSeq()) : e;
  }
}
