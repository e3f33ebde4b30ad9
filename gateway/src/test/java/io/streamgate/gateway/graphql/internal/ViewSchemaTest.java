package io.streamgate.gateway.graphql.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.Scalars;
import graphql.introspection.Introspection;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.config.GraphQLConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated schema and what runs around each operation, without a gateway: fields per view,
 * column types, the limits and the error codes of graphql-java's own errors.
 */
class ViewSchemaTest {
  static final CatalogEntry ORDERS = new CatalogEntry("order_status", "orders", "orderId",
      ViewKind.LATEST, List.of(new CatalogEntry.Column("status", "string"),
          new CatalogEntry.Column("amount", "double"), new CatalogEntry.Column("qty", "int"),
          new CatalogEntry.Column("total", "bigint"), new CatalogEntry.Column("paid", "boolean"),
          new CatalogEntry.Column("price", "decimal(10,2)"),
          new CatalogEntry.Column("items", "array<struct<id:string>>")), null, 0, 1);
  static final CatalogEntry REVENUE = new CatalogEntry("product_revenue", "", "productId",
      ViewKind.AGGREGATE, List.of(new CatalogEntry.Column("revenue", "double")), "revenue", 0, 1);

  /** Every field answers a constant: these tests are about the schema, not the reads. */
  static final ViewSchema.Resolvers CONSTANT = new ViewSchema.Resolvers() {
    final RowData row = new RowData("o-1", 3, 1_700_000_000_000L, Map.of("status", "paid",
        "amount", 2.5, "qty", 2, "total", 9_007_199_254_740_991L, "items",
        List.of(Map.of("id", "i-1"))));

    @Override
    public DataFetcher<?> views() {
      return env -> List.of("order_status");
    }

    @Override
    public DataFetcher<?> row(CatalogEntry view) {
      return env -> row;
    }

    @Override
    public DataFetcher<?> rows(CatalogEntry view) {
      return env -> new RowData.Page(List.of(row), "next");
    }

    @Override
    public DataFetcher<?> top(CatalogEntry view) {
      return env -> List.of(row);
    }

    @Override
    public DataFetcher<?> subscribe(CatalogEntry view) {
      return env -> null;
    }
  };

  static GraphQLSchema schema(CatalogEntry... views) {
    return ViewSchema.build(List.of(views), CONSTANT);
  }

  /** A view with declared indexes: filter arguments on rows and subscription fields. */
  static final CatalogEntry ORDERS_BY = new CatalogEntry("orders_by", "", "orderId",
      ViewKind.LATEST, List.of(new CatalogEntry.Column("userId", "string"),
          new CatalogEntry.Column("status", "string"), new CatalogEntry.Column("amount", "double")),
      null, 0, 1, 1, List.of(), List.of("userId", "status"));

  static ExecutionResult run(GraphQLConfig config, String query, boolean introspection) {
    GraphQL graphQL = GraphQL.newGraphQL(schema(ORDERS, REVENUE, ORDERS_BY))
        .instrumentation(OperationLimits.of(config)).build();
    return graphQL.execute(ExecutionInput.newExecutionInput(query)
        .graphQLContext(Map.of(Introspection.INTROSPECTION_DISABLED, !introspection)).build());
  }

  static String code(ExecutionResult result) {
    assertFalse(result.getErrors().isEmpty(), "expected an error");
    GraphQLError error = result.getErrors().get(0);
    return (String) error.getExtensions().get("code");
  }

  @Test
  void eachViewHasAPointARowsAndForRankedViewsATopQueryAndASubscription() {
    GraphQLSchema schema = schema(ORDERS, REVENUE);
    GraphQLObjectType query = schema.getQueryType();
    assertNotNull(query.getFieldDefinition("order_status"));
    assertNotNull(query.getFieldDefinition("order_status_rows"));
    assertNull(query.getFieldDefinition("order_status_top"), "not ranked");
    assertNotNull(query.getFieldDefinition("product_revenue_top"));
    assertNotNull(query.getFieldDefinition("_views"));
    assertNotNull(schema.getSubscriptionType().getFieldDefinition("order_status"));
    GraphQLFieldDefinition rows = query.getFieldDefinition("order_status_rows");
    assertEquals(List.of("keys", "first", "after"),
        rows.getArguments().stream().map(a -> a.getName()).toList());
  }

  @Test
  void columnsAreTypedFromTheirSparkTypes() {
    GraphQLObjectType row = (GraphQLObjectType) schema(ORDERS).getType("order_status_row");
    Map<String, String> expected = Map.of("status", "String", "amount", "Float", "qty", "Int",
        "total", "Long", "paid", "Boolean", "price", "Float", "items", "JSON", "key", "String!",
        "version", "Long!", "updatedAt", "Long!");
    expected.forEach((field, type) -> assertEquals(type,
        GraphQLTypeUtil.simplePrint(row.getFieldDefinition(field).getType()), field));
    assertEquals(Scalars.GraphQLString, ViewSchema.typeOf("TIMESTAMP"));
    assertEquals(ViewSchema.JSON, ViewSchema.typeOf("map<string,int>"));
  }

  @Test
  void rowsAnswerTheirColumnsWithLongVersionsAndJsonForComplexTypes() {
    ExecutionResult result = run(GraphQLConfig.defaults(), "{ order_status(key: \"o-1\") { key"
        + " version total items status } }", true);
    assertEquals(List.of(), result.getErrors());
    Map<String, Object> row = result.<Map<String, Map<String, Object>>>getData()
        .get("order_status");
    assertEquals(9_007_199_254_740_991L, row.get("total"), "beyond Int: a Long");
    assertEquals(List.of(Map.of("id", "i-1")), row.get("items"));
  }

  @Test
  void anEmptyCatalogStillHasAQuery() {
    GraphQLSchema schema = schema();
    assertNotNull(schema.getQueryType().getFieldDefinition("_views"));
    assertNull(schema.getSubscriptionType());
  }

  @Test
  void introspectionCanBeTurnedOff() {
    assertEquals(List.of(), run(GraphQLConfig.defaults(), "{ __schema { queryType { name } } }",
        true).getErrors());
    assertEquals("introspection-disabled", code(run(GraphQLConfig.defaults(),
        "{ __schema { queryType { name } } }", false)));
  }

  @Test
  void depthAndComplexityLimitsAbortBeforeAnyField() {
    GraphQLConfig tight = new GraphQLConfig(true, true, 3, 100);
    ExecutionResult deep = run(tight, "{ __type(name: \"Query\") { fields { type { name } } } }",
        true);
    assertEquals("depth-limit", code(deep));
    assertNull(deep.getData());
    // 20 rows of (1 + 1 field) each, twice: 2 × 20 × (1 + 2) = 120 > 100.
    ExecutionResult complex = run(tight, "{ a: order_status_rows(first: 20) { rows { key } }"
        + " b: order_status_rows(first: 20) { rows { key } } }", true);
    assertEquals("complexity-limit", code(complex));
    assertTrue(run(tight, "{ a: order_status_rows(first: 20) { rows { key } } }", true)
        .getErrors().isEmpty(), "60 fits");
  }

  @Test
  void syntaxAndValidationErrorsAreInvalidQuery() {
    assertEquals("invalid-query", code(run(GraphQLConfig.defaults(), "{ order_status(", true)));
    assertEquals("invalid-query", code(run(GraphQLConfig.defaults(),
        "{ order_status(key: \"a\") { nope } }", true)));
  }

  @Test
  void subscriptionsTakeKeysOrTheIndexArgumentsOfTheRowsQuery() {
    GraphQLSchema schema = schema(ORDERS_BY, ORDERS);
    GraphQLFieldDefinition subscription = schema.getSubscriptionType()
        .getFieldDefinition("orders_by");
    assertEquals(List.of("keys", "userId", "status"),
        subscription.getArguments().stream().map(a -> a.getName()).toList());
    assertFalse(GraphQLTypeUtil.isNonNull(subscription.getArgument("keys").getType()),
        "keys optional: a filter or the whole view");
    assertEquals(List.of("userId", "status"), schema.getQueryType()
        .getFieldDefinition("orders_by_rows").getArguments().stream().map(a -> a.getName())
        .filter(n -> !List.of("keys", "first", "after").contains(n)).toList());
    assertEquals(List.of("keys"), schema.getSubscriptionType().getFieldDefinition("order_status")
        .getArguments().stream().map(a -> a.getName()).toList());
    assertNotNull(((graphql.schema.GraphQLEnumType) schema.getType("ChangeType"))
        .getValue("ENTER"));
  }

  @Test
  void aFilterOnAColumnThatIsNotIndexedIsNotIndexedNamingTheIndexes() {
    for (String query : List.of("{ orders_by_rows(amount: \"1\") { rows { key } } }",
        "query Named { mine: orders_by_rows(amount: \"1\") { rows { key } } }",
        "subscription { orders_by(amount: \"1\") { type } }")) {
      ExecutionResult result = run(GraphQLConfig.defaults(), query, true);
      assertEquals("not-indexed", code(result), query);
      String message = result.getErrors().get(0).getMessage();
      assertTrue(message.contains("'amount'") && message.contains("userId, status"), message);
    }
    ExecutionResult none = run(GraphQLConfig.defaults(),
        "{ order_status_rows(status: \"paid\") { rows { key } } }", true);
    assertEquals("not-indexed", code(none));
    assertTrue(none.getErrors().get(0).getMessage().contains("declares no indexes"),
        none.getErrors().get(0).getMessage());
    // Not a column: a typo stays a plain validation error.
    assertEquals("invalid-query", code(run(GraphQLConfig.defaults(),
        "{ orders_by_rows(fisrt: 1) { rows { key } } }", true)));
    assertEquals("invalid-query", code(run(GraphQLConfig.defaults(),
        "{ orders_by(key: \"a\", status: \"x\") { key } }", true)), "a point query filters not");
  }
}
