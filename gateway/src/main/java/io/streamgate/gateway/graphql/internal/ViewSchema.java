package io.streamgate.gateway.graphql.internal;

import static graphql.schema.GraphQLArgument.newArgument;
import static graphql.schema.GraphQLFieldDefinition.newFieldDefinition;
import static graphql.schema.GraphQLList.list;
import static graphql.schema.GraphQLNonNull.nonNull;
import static graphql.schema.GraphQLObjectType.newObject;

import graphql.GraphQLContext;
import graphql.Scalars;
import graphql.execution.CoercedVariables;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.DataFetcher;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLOutputType;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import io.streamgate.contract.CatalogEntry;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The GraphQL schema of a catalog: per view a point query, a rows query (keys or a page) and,
 * for ranked views, a top-N query, plus a subscription; one row type per view with a field per
 * column, typed from the column's Spark SQL type. Names follow {@link GraphQLNames}. Pure: the
 * same views give the same schema.
 */
final class ViewSchema {
  /** Where each field's answer comes from. */
  interface Resolvers {
    /** {@code _views}: the names of the views the caller may read. */
    DataFetcher<?> views();

    DataFetcher<?> row(CatalogEntry view);

    DataFetcher<?> rows(CatalogEntry view);

    DataFetcher<?> top(CatalogEntry view);

    /** Returns a {@code Publisher} of {@link RowData.Event}s. */
    DataFetcher<?> subscribe(CatalogEntry view);
  }

  /** Row versions reach 2^53: more than GraphQL's 32-bit {@code Int}. */
  static final GraphQLScalarType LONG = GraphQLScalarType.newScalar().name("Long")
      .description("A 64-bit integer (row versions, epoch milliseconds), as a JSON number.")
      .coercing(new LongCoercing()).build();
  /** Columns of complex types (arrays, structs, maps) pass through as JSON. */
  static final GraphQLScalarType JSON = GraphQLScalarType.newScalar().name("JSON")
      .description("Any JSON value, as the view's row holds it (complex column types).")
      .coercing(new JsonCoercing()).build();
  static final GraphQLEnumType CHANGE_TYPE = GraphQLEnumType.newEnum().name("ChangeType")
      .description("What a subscription event says (docs/graphql.md, \"Subscriptions\").")
      .value("SNAPSHOT", RowData.ChangeType.SNAPSHOT, "The row when the subscription started")
      .value("UPDATE", RowData.ChangeType.UPDATE, "The row changed")
      .value("DELETE", RowData.ChangeType.DELETE, "The row was deleted")
      .value("LIVE", RowData.ChangeType.LIVE, "The snapshot is complete; changes follow")
      .value("SWITCH", RowData.ChangeType.SWITCH,
          "The view switched versions; a new snapshot follows")
      .value("ENTER", RowData.ChangeType.ENTER,
          "A row matches the subscription's filter now (written, or changed to match)")
      .value("LEAVE", RowData.ChangeType.LEAVE,
          "A row matches the subscription's filter no longer; `row` is it now")
      .value("RESYNC", RowData.ChangeType.RESYNC,
          "A whole-view subscription may have missed changes; re-read what you need")
      .build();

  private ViewSchema() {}

  static GraphQLSchema build(List<CatalogEntry> views, Resolvers resolvers) {
    Map<String, String> names = GraphQLNames.views(views);
    GraphQLCodeRegistry.Builder code = GraphQLCodeRegistry.newCodeRegistry();
    GraphQLObjectType.Builder query = newObject().name("Query")
        .description("The views of this gateway (docs/graphql.md).")
        .field(newFieldDefinition().name("_views")
            .description("The names of the views the token may read.")
            .type(nonNull(list(nonNull(Scalars.GraphQLString)))));
    code.dataFetcher(FieldCoordinates.coordinates("Query", "_views"), resolvers.views());
    GraphQLObjectType.Builder subscription = newObject().name("Subscription")
        .description("Rows of a view by key, by indexed column values, or all of them: a"
            + " snapshot, LIVE, then every change.");
    for (CatalogEntry view : views) {
      String name = names.get(view.name());
      GraphQLObjectType row = rowType(view, name, code);
      GraphQLObjectType page = newObject().name(name + "_page")
          .field(newFieldDefinition().name("rows").type(nonNull(list(nonNull(row)))))
          .field(newFieldDefinition().name("next").type(Scalars.GraphQLString)
              .description("The cursor of the next page (as `after`); null on the last."))
          .build();
      GraphQLObjectType event = newObject().name(name + "_event")
          .field(newFieldDefinition().name("type").type(nonNull(CHANGE_TYPE)))
          .field(newFieldDefinition().name("key").type(Scalars.GraphQLString))
          .field(newFieldDefinition().name("version").type(LONG))
          .field(newFieldDefinition().name("viewVersion").type(nonNull(LONG)))
          .field(newFieldDefinition().name("row").type(row))
          .field(newFieldDefinition().name("deletedAt").type(LONG))
          .build();
      String about = view.description().isEmpty() ? "" : " " + view.description();
      query.field(newFieldDefinition().name(name)
          .description("View `" + view.name() + "`: the row of one key, or null." + about)
          .argument(newArgument().name("key").type(nonNull(Scalars.GraphQLString)))
          .type(row));
      code.dataFetcher(FieldCoordinates.coordinates("Query", name), resolvers.row(view));
      GraphQLFieldDefinition.Builder rows = newFieldDefinition().name(name + "_rows")
          .description("View `" + view.name() + "`: the rows of `keys` (found ones, in order),"
              + " or a page of `first` rows in key order after the cursor `after`, of the rows"
              + " whose indexed columns equal the filter arguments given (they intersect).")
          .argument(newArgument().name("keys").type(list(nonNull(Scalars.GraphQLString))))
          .argument(newArgument().name("first").type(Scalars.GraphQLInt))
          .argument(newArgument().name("after").type(Scalars.GraphQLString))
          .type(nonNull(page));
      GraphQLNames.indexArguments(view).forEach((argument, column) -> rows.argument(
          newArgument().name(argument).type(Scalars.GraphQLString)
              .description("Only rows whose indexed column `" + column + "` has this value.")));
      query.field(rows);
      code.dataFetcher(FieldCoordinates.coordinates("Query", name + "_rows"),
          resolvers.rows(view));
      if (view.ranked()) {
        query.field(newFieldDefinition().name(name + "_top")
            .description("View `" + view.name() + "`: the `n` rows with the highest `"
                + view.rankColumn() + "`, highest first.")
            .argument(newArgument().name("n").type(nonNull(Scalars.GraphQLInt)))
            .type(nonNull(list(nonNull(row)))));
        code.dataFetcher(FieldCoordinates.coordinates("Query", name + "_top"),
            resolvers.top(view));
      }
      GraphQLFieldDefinition.Builder subscribe = newFieldDefinition().name(name)
          .description("View `" + view.name() + "`: with `keys`, a snapshot of their rows,"
              + " LIVE, then their changes and deletes; with filter arguments on indexed"
              + " columns (they intersect), a snapshot of the matching rows, LIVE, then ENTER,"
              + " UPDATE, LEAVE and DELETE; with neither, LIVE, then every change of the view.")
          .argument(newArgument().name("keys").type(list(nonNull(Scalars.GraphQLString))))
          // Nullable: a subscription that fails after it started ends with a null event and
          // the error's code (a Reactive Streams error would lose the code on the socket).
          .type(event);
      GraphQLNames.indexArguments(view).forEach((argument, column) -> subscribe.argument(
          newArgument().name(argument).type(Scalars.GraphQLString)
              .description("Only rows whose indexed column `" + column + "` has this value.")));
      subscription.field(subscribe);
      code.dataFetcher(FieldCoordinates.coordinates("Subscription", name),
          resolvers.subscribe(view));
    }
    GraphQLSchema.Builder schema = GraphQLSchema.newSchema().query(query.build())
        .additionalType(LONG).additionalType(JSON).codeRegistry(code.build());
    if (!views.isEmpty()) {
      schema.subscription(subscription.build());
    }
    return schema.build();
  }

  private static GraphQLObjectType rowType(CatalogEntry view, String name,
      GraphQLCodeRegistry.Builder code) {
    String typeName = name + "_row";
    GraphQLObjectType.Builder row = newObject().name(typeName)
        .description("A row of view `" + view.name() + "` (key: " + view.keyColumn() + ").")
        .field(newFieldDefinition().name("key").type(nonNull(Scalars.GraphQLString)))
        .field(newFieldDefinition().name("version").type(nonNull(LONG))
            .description("Grows with every write of this key (within one view version)."))
        .field(newFieldDefinition().name("updatedAt").type(nonNull(LONG))
            .description("Epoch milliseconds of the write."));
    Map<String, String> columns = GraphQLNames.columns(view.columns());
    for (CatalogEntry.Column column : view.columns()) {
      String field = columns.get(column.name());
      GraphQLFieldDefinition.Builder definition = newFieldDefinition().name(field)
          .type(typeOf(column.type()))
          .description("Column `" + column.name() + "` (" + column.type() + ").");
      row.field(definition);
      String columnName = column.name();
      code.dataFetcher(FieldCoordinates.coordinates(typeName, field),
          (DataFetcher<Object>) env -> ((RowData) env.getSource()).value().get(columnName));
    }
    return row.build();
  }

  /** The GraphQL type of a Spark SQL type name (as the catalog lists it). */
  static GraphQLOutputType typeOf(String sparkType) {
    String type = sparkType.trim().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "int", "integer", "smallint", "tinyint", "short", "byte" -> Scalars.GraphQLInt;
      case "bigint", "long" -> LONG;
      case "double", "float", "real" -> Scalars.GraphQLFloat;
      case "boolean" -> Scalars.GraphQLBoolean;
      case "string", "date", "timestamp", "timestamp_ntz", "timestamp_ltz" -> Scalars.GraphQLString;
      default -> type.startsWith("decimal") ? Scalars.GraphQLFloat
          : type.startsWith("varchar") || type.startsWith("char") ? Scalars.GraphQLString
          : JSON;
    };
  }

  private static final class LongCoercing implements Coercing<Long, Long> {
    @Override
    public Long serialize(Object value, GraphQLContext context, Locale locale) {
      if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
        return n.longValue();
      }
      throw new CoercingSerializeException("not a 64-bit integer: " + value);
    }

    @Override
    public Long parseValue(Object input, GraphQLContext context, Locale locale) {
      if (input instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
        return n.longValue();
      }
      throw new CoercingParseValueException("expected a 64-bit integer, but was " + input);
    }

    @Override
    public Long parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context,
        Locale locale) {
      if (input instanceof IntValue i) {
        return i.getValue().longValueExact();
      }
      throw new CoercingParseLiteralException("expected a 64-bit integer literal");
    }
  }

  private static final class JsonCoercing implements Coercing<Object, Object> {
    @Override
    public Object serialize(Object value, GraphQLContext context, Locale locale) {
      return value;
    }

    @Override
    public Object parseValue(Object input, GraphQLContext context, Locale locale) {
      return input;
    }

    @Override
    public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context,
        Locale locale) {
      if (input instanceof StringValue s) {
        return s.getValue();
      }
      if (input instanceof IntValue i) {
        return i.getValue();
      }
      if (input instanceof FloatValue f) {
        return f.getValue();
      }
      throw new CoercingParseLiteralException("JSON arguments take strings and numbers only");
    }
  }
}
