package io.streamgate.gateway.graphql;

import static io.streamgate.gateway.GatewayFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Names;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.GraphQLConfig;
import io.streamgate.gateway.config.PushConfig;
import io.streamgate.gateway.graphql.internal.GraphQLHub;
import io.streamgate.gateway.push.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GraphQL against a real gateway and redis-server: queries over HTTP answer what REST answers,
 * and a subscription through the {@code graphql-ws} npm client (node) gets what a WebSocket
 * push subscription gets; the same refusals as REST, the depth and complexity limits.
 */
class GraphQLIT {
  static final String ROW_FIELDS = "key version updatedAt status amount";
  /** The least there is: every field of the generated schema, no deeper introspection. */
  static final int MAX_DEPTH = 3;
  static final int MAX_COMPLEXITY = 5_000;
  /** push.maxKeysPerSubscription: the most rows a filtered subscription tracks. */
  static final int MAX_ROWS = 4;

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register(new CatalogEntry("order_status", "orders by id", "orderId",
          ViewKind.LATEST, List.of(new CatalogEntry.Column("status", "string"),
              new CatalogEntry.Column("amount", "double")), null, 0, 1));
      seed.register(new CatalogEntry("product_revenue", "revenue by product", "productId",
          ViewKind.AGGREGATE, List.of(new CatalogEntry.Column("revenue", "double"),
              new CatalogEntry.Column("tags", "array<string>")), "revenue", 0, 1));
      for (int i = 1; i <= 5; i++) {
        Row row = order("o-" + i, 1, "created", i * 1.5);
        seed.write(row);
        seed.index(row, null);
        Row product = new Row("product_revenue", "p-" + i, 1, 1000 + i,
            "{\"revenue\":" + (i * 10.0) + ",\"tags\":[\"t" + i + "\"]}");
        seed.write(product);
        seed.index(product, i * 10.0);
      }
      seed.register(new CatalogEntry(ORDERS_BY, "", "orderId", ViewKind.LATEST,
          List.of(new CatalogEntry.Column("userId", "string"),
              new CatalogEntry.Column("status", "string")), null, 0, 1, 1, List.of(),
          List.of("userId", "status")));
      for (int i = 1; i <= 6; i++) {
        seed.writeIndexed(ORDERS_BY, new Row(ORDERS_BY, "o-" + i, 1, 1, "{\"userId\":\"u-"
            + (i % 2) + "\",\"status\":\"" + (i <= 3 ? "open" : "paid") + "\"}"),
            List.of("userId", "status"));
      }
      seed.register(switching(1));
      seed.write(SWITCHING, new Row(SWITCHING, "a", 5, 1, "{\"n\":10}"));
      seed.write(Names.table(SWITCHING, 2), new Row(SWITCHING, "a", 1, 2, "{\"n\":100}"));
      seed.write(order("acme:o-1", 1, "created", 1));
      seed.write(order("globex:o-1", 1, "created", 2));
    }, c -> c.withGraphql(new GraphQLConfig(true, true, MAX_DEPTH, MAX_COMPLEXITY))
        .withPush(new PushConfig(true, PushConfig.DEFAULT_MAX_SUBSCRIPTIONS, MAX_ROWS,
            PushConfig.DEFAULT_MAX_FRAME_BYTES, PushConfig.DEFAULT_WRITE_QUEUE_BYTES,
            PushConfig.DEFAULT_MAX_PENDING, PushConfig.DEFAULT_HEARTBEAT_MS)));
    token = fx.token("views:read");
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static final String SWITCHING = "switching";
  static final String ORDERS_BY = "orders_by";

  static CatalogEntry switching(long version) {
    return new CatalogEntry(SWITCHING, "", "k", ViewKind.AGGREGATE,
        List.of(new CatalogEntry.Column("n", "bigint")), null, 0, 1, version, List.of());
  }

  static Row order(String key, long version, String status, double amount) {
    return new Row("order_status", key, version, 1_700_000_000_000L + version,
        "{\"status\":\"" + status + "\",\"amount\":" + amount + "}");
  }

  static HttpResponse<String> post(String query, String bearer) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + fx.gateway.port() + "/v1/graphql"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("query", query).encode()));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return fx.send(request.build());
  }

  static JsonObject data(String query) {
    HttpResponse<String> response = post(query, token);
    assertEquals(200, response.statusCode(), response.body());
    JsonObject body = json(response);
    assertNull(body.getJsonArray("errors"), response.body());
    return body.getJsonObject("data");
  }

  /** A REST row as GraphQL shows it: the contract fields and the value's columns, flat. */
  static JsonObject flat(JsonObject restRow) {
    JsonObject out = new JsonObject().put("key", restRow.getString("key"))
        .put("version", restRow.getLong("version"))
        .put("updatedAt", restRow.getLong("updatedAt"));
    restRow.getJsonObject("value").forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  static JsonArray flat(JsonArray restRows) {
    JsonArray out = new JsonArray();
    restRows.forEach(r -> out.add(flat((JsonObject) r)));
    return out;
  }

  static JsonObject firstError(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    JsonArray errors = json(response).getJsonArray("errors");
    assertTrue(errors != null && !errors.isEmpty(), response.body());
    return errors.getJsonObject(0);
  }

  static String code(JsonObject error) {
    return error.getJsonObject("extensions").getString("code");
  }

  // ---- queries

  @Test
  void aPointQueryAnswersTheRestRowAndNullForNoRow() {
    JsonObject data = data("{ order_status(key: \"o-2\") { " + ROW_FIELDS + " }"
        + " missing: order_status(key: \"nope\") { key } }");
    JsonObject rest = json(fx.get("/v1/views/order_status/o-2", token));
    assertEquals(flat(rest), data.getJsonObject("order_status"));
    assertTrue(data.containsKey("missing"));
    assertNull(data.getValue("missing"));
  }

  @Test
  void keysAndPagesAnswerTheRestRowsAndCursors() {
    JsonObject keys = data("{ order_status_rows(keys: [\"o-1\", \"nope\", \"o-3\"]) {"
        + " rows { " + ROW_FIELDS + " } next } }").getJsonObject("order_status_rows");
    JsonObject restKeys = json(fx.get("/v1/views/order_status?keys=o-1,nope,o-3", token));
    assertEquals(flat(restKeys.getJsonArray("rows")), keys.getJsonArray("rows"));
    assertNull(keys.getValue("next"));

    JsonObject page = data("{ order_status_rows(first: 2) { rows { " + ROW_FIELDS + " } next }"
        + " }").getJsonObject("order_status_rows");
    JsonObject restPage = json(fx.get("/v1/views/order_status?limit=2", token));
    assertEquals(flat(restPage.getJsonArray("rows")), page.getJsonArray("rows"));
    assertEquals(restPage.getString("next"), page.getString("next"));
    JsonObject second = data("{ order_status_rows(first: 2, after: \"" + page.getString("next")
        + "\") { rows { key } next } }").getJsonObject("order_status_rows");
    JsonObject restSecond = json(fx.get("/v1/views/order_status?limit=2&cursor="
        + restPage.getString("next"), token));
    assertEquals(restSecond.getJsonArray("rows").stream()
        .map(r -> ((JsonObject) r).getString("key")).toList(),
        second.getJsonArray("rows").stream().map(r -> ((JsonObject) r).getString("key")).toList());
  }

  @Test
  void filtersOnIndexedColumnsAnswerTheRestFilter() {
    JsonObject one = data("{ orders_by_rows(userId: \"u-1\", status: \"open\") { rows { key"
        + " userId status } next } }").getJsonObject("orders_by_rows");
    JsonObject rest = json(fx.get("/v1/views/orders_by?userId=u-1&status=open", token));
    assertEquals(List.of("o-1", "o-3"), one.getJsonArray("rows").stream()
        .map(r -> ((JsonObject) r).getString("key")).toList());
    assertEquals(rest.getJsonArray("rows").stream().map(r -> ((JsonObject) r).getString("key"))
        .toList(), one.getJsonArray("rows").stream().map(r -> ((JsonObject) r).getString("key"))
        .toList());
    JsonObject page = data("{ orders_by_rows(userId: \"u-0\", first: 2) { rows { key } next }"
        + " }").getJsonObject("orders_by_rows");
    assertEquals(2, page.getJsonArray("rows").size());
    JsonObject rest2 = json(fx.get("/v1/views/orders_by?userId=u-0&limit=2", token));
    assertEquals(rest2.getString("next"), page.getString("next"));
    assertEquals("invalid-argument", code(firstError(post(
        "{ orders_by_rows(keys: [\"o-1\"], userId: \"u-1\") { rows { key } } }", token))));
  }

  @Test
  void topAnswersTheRestRankingWithComplexColumnsAsJson() {
    JsonArray top = data("{ product_revenue_top(n: 3) { key version updatedAt revenue tags } }")
        .getJsonArray("product_revenue_top");
    JsonObject rest = json(fx.get("/v1/views/product_revenue/top?n=3", token));
    assertEquals(flat(rest.getJsonArray("rows")), top);
    assertEquals(new JsonArray().add("t5"), top.getJsonObject(0).getJsonArray("tags"));
  }

  @Test
  void aGetWithTheQueryInTheUrlAnswersToo() {
    String query = URLEncoder.encode("{ order_status(key: \"o-1\") { status } }",
        StandardCharsets.UTF_8);
    HttpResponse<String> response = fx.get("/v1/graphql?query=" + query, token);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("created", json(response).getJsonObject("data").getJsonObject("order_status")
        .getString("status"));
  }

  @Test
  void viewsListsWhatTheTokenMayRead() {
    String scoped = fx.token("views:order_status:read");
    HttpResponse<String> response = post("{ _views }", scoped);
    assertEquals(new JsonArray().add("order_status"),
        json(response).getJsonObject("data").getJsonArray("_views"));
  }

  // ---- refusals

  @Test
  void withoutATokenTheRequestIsRefusedLikeRest() {
    GatewayFixture.assertProblem(post("{ _views }", null), 401, "unauthorized");
  }

  @Test
  void aViewOutsideTheScopesIsForbiddenAndTheOtherFieldsStillAnswer() {
    String scoped = fx.token("views:product_revenue:read");
    HttpResponse<String> response = post("{ order_status(key: \"o-1\") { key }"
        + " product_revenue(key: \"p-1\") { revenue } }", scoped);
    JsonObject error = firstError(response);
    assertEquals("forbidden", code(error));
    assertEquals(new JsonArray().add("order_status"), error.getJsonArray("path"));
    assertTrue(error.getString("message").contains("views:order_status:read"), error.encode());
    JsonObject data = json(response).getJsonObject("data");
    assertNull(data.getValue("order_status"));
    assertEquals(10.0, data.getJsonObject("product_revenue").getDouble("revenue"));
  }

  @Test
  void aTenantTokenReadsOnlyItsKeysAndNoPages() {
    String acme = fx.token(new JsonObject().put("sub", "acme-app").put("scope", "views:read")
        .put("tenant", "acme"), new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
    HttpResponse<String> own = post("{ order_status(key: \"acme:o-1\") { key } }", acme);
    assertEquals("acme:o-1", json(own).getJsonObject("data").getJsonObject("order_status")
        .getString("key"));
    assertEquals("forbidden", code(firstError(
        post("{ order_status(key: \"globex:o-1\") { key } }", acme))));
    assertEquals("forbidden", code(firstError(
        post("{ order_status_rows(keys: [\"acme:o-1\", \"globex:o-1\"]) { rows { key } } }",
            acme))));
    assertEquals("forbidden", code(firstError(
        post("{ order_status_rows(first: 5) { rows { key } } }", acme))));
  }

  static HttpResponse<String> postRaw(String body) {
    return fx.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + fx.gateway.port() + "/v1/graphql"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void bodiesThatAreNoGraphQLRequestAreProblems() {
    GatewayFixture.assertProblem(postRaw("not json"), 400, "bad-request");
    GatewayFixture.assertProblem(postRaw(new JsonObject().put("query", "{ _views }")
        .put("pad", "x".repeat(GraphQLApi.MAX_BODY_BYTES)).encode()), 413, "payload-too-large");
  }

  @Test
  void malformedQueriesAndArgumentsHaveStableCodes() {
    assertEquals("invalid-query", code(firstError(post("{ order_status(key: ", token))));
    assertEquals("invalid-query", code(firstError(post("{ no_such_view(key: \"a\") { key } }",
        token))));
    assertEquals("invalid-argument", code(firstError(post(
        "{ order_status_rows(first: 600) { rows { key } } }", token))));
    assertEquals("invalid-argument", code(firstError(post(
        "{ order_status_rows(after: \"!!not-a-cursor\") { rows { key } } }", token))));
    assertEquals("invalid-query", code(firstError(post(
        "subscription { order_status(keys: [\"o-1\"]) { type } }", token))));
  }

  @Test
  void tooDeepAnOperationIsRefusedBeforeAnyFieldRuns() {
    assertEquals(1, data("{ order_status_rows(first: 1) { rows { key } } }")
        .getJsonObject("order_status_rows").getJsonArray("rows").size(), "depth 3 passes");
    JsonObject error = firstError(post("{ __type(name: \"Query\") { fields { type { name } } } }",
        token));
    assertEquals("depth-limit", code(error), error.encode());
    assertTrue(error.getString("message").contains("4 levels"), error.encode());
  }

  @Test
  void tooComplexAnOperationIsRefused() {
    // Each page may return 500 rows of 6 fields: two of them pass the limit of 5,000.
    JsonObject error = firstError(post("{ a: order_status_rows(first: 500) { rows { "
        + ROW_FIELDS + " } } b: order_status_rows(first: 500) { rows { " + ROW_FIELDS + " } } }",
        token));
    assertEquals("complexity-limit", code(error));
  }

  @Test
  void aQueryCountsByTheRowsItReads() {
    // The trial plan: 20 requests a minute. 25 keys are 25 rows, over it at once.
    String trial = fx.token(new JsonObject().put("sub", "counted").put("scope", "views:read")
        .put("plan", "trial"), new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      keys.add("\"k" + i + "\"");
    }
    JsonObject error = firstError(post("{ order_status_rows(keys: " + keys + ") { rows { key } }"
        + " }", trial));
    assertEquals("rate-limited", code(error));
    // Five rows still fit: the request paid one, the field four more.
    HttpResponse<String> small = post("{ order_status_rows(keys: [\"o-1\", \"o-2\", \"o-3\","
        + " \"o-4\", \"o-5\"]) { rows { key } } }", trial);
    assertEquals(5, json(small).getJsonObject("data").getJsonObject("order_status_rows")
        .getJsonArray("rows").size(), small.body());
    // 20 - 1 (refused request) - 1 - 4 (five rows) - 1 (this request) = 13.
    HttpResponse<String> after = post("{ _views }", trial);
    assertEquals("13", after.headers().firstValue("RateLimit-Remaining").orElseThrow(),
        after.headers().toString());
  }

  // ---- subscriptions over graphql-transport-ws

  static String wsUrl(String bearer) {
    return "ws://127.0.0.1:" + fx.gateway.port() + "/v1/graphql?access_token=" + bearer;
  }

  static final String EVENT_FIELDS = "type key version viewVersion deletedAt row { key version"
      + " status amount }";

  @Test
  void aSubscriptionGetsTheSameSnapshotAndUpdatesAsPush() {
    NodeGraphQLClient.assumeNode();
    // Amounts with fractions: JavaScript writes 1.0 as 1.
    fx.seeder().write(order("s-1", 1, "created", 1.25));
    fx.seeder().write(order("s-2", 4, "created", 2.5));
    try (NodeGraphQLClient graphql = NodeGraphQLClient.connect(wsUrl(token));
        WsClient push = WsClient.connect(fx.gateway.port(), token)) {
      assertEquals(true, graphql.next().getBoolean("connected"));
      graphql.subscribe("s", "subscription { order_status(keys: [\"s-1\", \"s-2\", \"s-3\"]) { "
          + EVENT_FIELDS + " } }");
      push.send(new JsonObject().put("op", "subscribe").put("id", "p").put("view",
          "order_status").put("keys", new JsonArray().add("s-1").add("s-2").add("s-3")));

      List<JsonObject> snapshot = new ArrayList<>();
      JsonObject event;
      while (!"LIVE".equals((event = event(graphql)).getString("type"))) {
        assertEquals("SNAPSHOT", event.getString("type"), event.encode());
        snapshot.add(event);
      }
      List<JsonObject> pushed = push.until(m -> "subscribed".equals(m.getString("type")));
      assertEquals(asPush(pushed.subList(0, pushed.size() - 1)), snapshot);

      fx.seeder().write(order("s-3", 1, "created", 3.75));
      fx.seeder().write(order("s-1", 2, "paid", 1.25));
      fx.seeder().delete(new Tombstone("order_status", "s-2", 5, 1_700_000_000_999L));
      fx.seeder().write(order("s-1", 3, "shipped", 1.25));
      List<JsonObject> updates = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        updates.add(event(graphql));
      }
      List<JsonObject> pushedUpdates = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        pushedUpdates.add(push.next());
      }
      assertEquals(asPush(pushedUpdates), updates);
      assertEquals(List.of("UPDATE", "UPDATE", "DELETE", "UPDATE"),
          updates.stream().map(u -> u.getString("type")).toList());
      assertEquals(List.of(1L, 2L, 5L, 3L),
          updates.stream().map(u -> u.getLong("version")).toList());

      GraphQLHub hub = (GraphQLHub) fx.gateway.graphql();
      assertEquals(1, hub.subscriptions());
      graphql.cancel("s");
      Poll.until(Duration.ofSeconds(5), hub::subscriptions, n -> n == 0, "subscriptions");
    }
  }

  /** The next subscription event's {@code data.order_status}. */
  static JsonObject event(NodeGraphQLClient client) {
    JsonObject payload = client.nextPayload("s");
    assertNull(payload.getJsonArray("errors"), payload.encode());
    return payload.getJsonObject("data").getJsonObject("order_status");
  }

  /** Push messages as the GraphQL events of the same changes. */
  static List<JsonObject> asPush(List<JsonObject> messages) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject m : messages) {
      String type = m.getString("type").toUpperCase(java.util.Locale.ROOT);
      JsonObject value = m.getJsonObject("value");
      JsonObject event = new JsonObject().put("type", type).put("key", m.getString("key"))
          .put("version", m.getLong("version"))
          .put("viewVersion", 1L)
          .put("deletedAt", "DELETE".equals(type) ? m.getLong("updatedAt") : null)
          .put("row", value == null ? null : new JsonObject().put("key", m.getString("key"))
              .put("version", m.getLong("version")).put("status", value.getString("status"))
              .put("amount", value.getDouble("amount")));
      out.add(event);
    }
    return out;
  }

  @Test
  void aSubscriptionFollowsTheSwitchToANewViewVersion() {
    NodeGraphQLClient.assumeNode();
    try (NodeGraphQLClient graphql = NodeGraphQLClient.connect(wsUrl(token))) {
      graphql.subscribe("v", "subscription { switching(keys: [\"a\"]) { type key version"
          + " viewVersion row { n } } }");
      assertEquals(List.of("SNAPSHOT a 5 1 10", "LIVE null null 1 null"), events(graphql, 2));
      fx.seeder().register(switching(2));
      assertEquals(List.of("SWITCH null null 2 null", "SNAPSHOT a 1 2 100", "LIVE null null 2 null"),
          events(graphql, 3));
      // The old version's changes are no longer this subscription's; the new one's are.
      fx.seeder().write(SWITCHING, new Row(SWITCHING, "a", 6, 3, "{\"n\":11}"));
      fx.seeder().write(Names.table(SWITCHING, 2), new Row(SWITCHING, "a", 2, 4, "{\"n\":101}"));
      assertEquals(List.of("UPDATE a 2 2 101"), events(graphql, 1));
    }
  }

  /** The next {@code n} events of subscription {@code v}, as "TYPE key version viewVersion n". */
  static List<String> events(NodeGraphQLClient client, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonObject payload = client.nextPayload("v");
      assertNull(payload.getJsonArray("errors"), payload.encode());
      JsonObject e = payload.getJsonObject("data").getJsonObject("switching");
      JsonObject row = e.getJsonObject("row");
      out.add(e.getString("type") + " " + e.getString("key") + " " + e.getLong("version") + " "
          + e.getLong("viewVersion") + " " + (row == null ? null : row.getLong("n")));
    }
    return out;
  }

  @Test
  void subscriptionRefusalsAreErrorsWithCodes() {
    NodeGraphQLClient.assumeNode();
    String scoped = fx.token("views:product_revenue:read");
    try (NodeGraphQLClient graphql = NodeGraphQLClient.connect(wsUrl(scoped))) {
      graphql.subscribe("s", "subscription { order_status(keys: [\"o-1\"]) { type } }");
      JsonObject payload = graphql.nextPayload("s");
      assertEquals("forbidden", payload.getJsonArray("errors").getJsonObject(0)
          .getJsonObject("extensions").getString("code"), payload.encode());
    }
    String acme = fx.token(new JsonObject().put("sub", "acme-ws").put("scope", "views:read")
        .put("tenant", "acme"), new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
    try (NodeGraphQLClient graphql = NodeGraphQLClient.connect(wsUrl(acme))) {
      graphql.subscribe("s", "subscription { order_status(keys: [\"globex:o-1\"]) { type } }");
      JsonObject payload = graphql.nextPayload("s");
      assertEquals("forbidden", payload.getJsonArray("errors").getJsonObject(0)
          .getJsonObject("extensions").getString("code"), payload.encode());
    }
  }

  // ---- subscriptions by index value and of the whole view

  static void writeBy(String key, long version, String userId, String status) {
    fx.seeder().writeIndexed(ORDERS_BY, new Row(ORDERS_BY, key, version, 1_700_000_000_000L
        + version, "{\"userId\":\"" + userId + "\",\"status\":\"" + status + "\"}"),
        List.of("userId", "status"));
  }

  /** The next {@code n} events of {@code id}'s {@code field}: "TYPE key version status". */
  static List<String> events(NodeGraphQLClient client, String id, String field, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonObject payload = client.nextPayload(id);
      assertNull(payload.getJsonArray("errors"), payload.encode());
      JsonObject e = payload.getJsonObject("data").getJsonObject(field);
      JsonObject row = e.getJsonObject("row");
      out.add(e.getString("type") + " " + e.getString("key") + " " + e.getLong("version") + " "
          + (row == null ? null : row.getString("status")));
    }
    return out;
  }

  /** The code of the first error operation {@code id} ends with (a next or an error message). */
  static String errorCode(NodeGraphQLClient client, String id) {
    List<JsonObject> seen = client.until(e -> id.equals(e.getString("id"))
        && (e.containsKey("next") || e.containsKey("error")));
    JsonObject last = seen.get(seen.size() - 1);
    JsonArray errors = last.containsKey("next")
        ? last.getJsonObject("next").getJsonArray("errors") : last.getJsonArray("error");
    assertTrue(errors != null && !errors.isEmpty()
        && errors.getJsonObject(0).getJsonObject("extensions") != null, last.encode());
    return code(errors.getJsonObject(0));
  }

  @Test
  void aFilteredSubscriptionGetsTheMatchingRowsThenEnterUpdateLeaveAndDeleteAsPush() {
    NodeGraphQLClient.assumeNode();
    // A user of its own: the query tests read the seeded rows unchanged.
    writeBy("w-1", 1, "u-7", "open");
    writeBy("w-2", 1, "u-7", "open");
    writeBy("w-3", 1, "u-7", "paid");
    try (NodeGraphQLClient graphql = NodeGraphQLClient.connect(wsUrl(token));
        WsClient push = WsClient.connect(fx.gateway.port(), token)) {
      assertEquals(true, graphql.next().getBoolean("connected"));
      graphql.subscribe("w", "subscription { orders_by(userId: \"u-7\", status: \"open\") {"
          + " type key version viewVersion deletedAt row { key userId status } } }");
      push.send(new JsonObject().put("op", "subscribe").put("id", "p").put("view", ORDERS_BY)
          .put("where", new JsonObject().put("userId", "u-7").put("status", "open")));
      assertEquals(List.of("SNAPSHOT w-1 1 open", "SNAPSHOT w-2 1 open", "LIVE null null null"),
          events(graphql, "w", ORDERS_BY, 3));
      List<JsonObject> pushed = push.until(m -> "subscribed".equals(m.getString("type")));
      assertEquals(List.of("snapshot w-1", "snapshot w-2", "subscribed null"), pushed.stream()
          .map(m -> m.getString("type") + " " + m.getString("key")).toList());

      writeBy("w-3", 2, "u-7", "open"); // enters
      writeBy("w-1", 2, "u-7", "open"); // still matches
      writeBy("w-2", 2, "u-7", "paid"); // leaves
      fx.seeder().delete(new Tombstone(ORDERS_BY, "w-3", 3, 1_700_000_000_333L)); // deleted
      writeBy("w-9", 1, "u-8", "open"); // another user's: nothing
      writeBy("w-1", 3, "u-7", "open"); // the last: nothing came between
      assertEquals(List.of("ENTER w-3 2 open", "UPDATE w-1 2 open", "LEAVE w-2 2 paid",
          "DELETE w-3 3 null", "UPDATE w-1 3 open"), events(graphql, "w", ORDERS_BY, 5));
      List<String> pushedChanges = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        JsonObject m = push.next();
        pushedChanges.add(m.getString("type") + " " + m.getString("key") + " "
            + m.getLong("version"));
      }
      // Push says leave for a delete too; GraphQL tells them apart.
      assertEquals(List.of("enter w-3 2", "update w-1 2", "leave w-2 2", "leave w-3 3",
          "update w-1 3"), pushedChanges);

      GraphQLHub hub = (GraphQLHub) fx.gateway.graphql();
      assertEquals(1, hub.subscriptions());
      graphql.cancel("w");
      Poll.until(Duration.ofSeconds(5), hub::subscriptions, n -> n == 0, "subscriptions");
    }
  }

  @Test
  void aDeleteCarriesWhenItHappened() {
    NodeGraphQLClient.assumeNode();
    writeBy("d-1", 1, "u-6", "open");
    try (NodeGraphQLClient graphql = NodeGraphQLClient.connect(wsUrl(token))) {
      graphql.subscribe("d", "subscription { orders_by(userId: \"u-6\") { type key version"
          + " deletedAt row { status } } }");
      assertEquals(List.of("SNAPSHOT d-1 1 open", "LIVE null null null"),
          events(graphql, "d", ORDERS_BY, 2));
      fx.seeder().delete(new Tombstone(ORDERS_BY, "d-1", 2, 1_700_000_000_222L));
      JsonObject payload = graphql.nextPayload("d");
      JsonObject event = payload.getJsonObject("data").getJsonObject(ORDERS_BY);
      assertEquals("DELETE", event.getString("type"), payload.encode());
      assertEquals(1_700_000_000_222L, event.getLong("deletedAt"));
      assertNull(event.getJsonObject("row"));
    }
  }

  @Test
  void aWholeViewSubscriptionGetsLiveThenEveryChangeOfItsTenantsKeys() {
    NodeGraphQLClient.assumeNode();
    String acme = fx.token(new JsonObject().put("sub", "acme-all").put("scope", "views:read")
        .put("tenant", "acme"), new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
    try (NodeGraphQLClient all = NodeGraphQLClient.connect(wsUrl(token));
        NodeGraphQLClient tenant = NodeGraphQLClient.connect(wsUrl(acme))) {
      all.subscribe("a", "subscription { order_status { type key version row { status } } }");
      tenant.subscribe("t", "subscription { order_status { type key version row { status } } }");
      assertEquals(List.of("LIVE null null null"), events(all, "a", "order_status", 1));
      assertEquals(List.of("LIVE null null null"), events(tenant, "t", "order_status", 1));
      fx.seeder().write(order("globex:all-1", 1, "created", 1.5));
      fx.seeder().write(order("acme:all-1", 1, "created", 1.5));
      fx.seeder().delete(new Tombstone("order_status", "acme:all-1", 2, 1_700_000_000_444L));
      assertEquals(List.of("UPDATE globex:all-1 1 created", "UPDATE acme:all-1 1 created",
          "DELETE acme:all-1 2 null"), events(all, "a", "order_status", 3));
      assertEquals(List.of("UPDATE acme:all-1 1 created", "DELETE acme:all-1 2 null"),
          events(tenant, "t", "order_status", 2));
    }
  }

  @Test
  void filterRefusalsHaveStableCodes() {
    // A column that is not indexed: REST's 400, named indexes and all.
    JsonObject notIndexed = firstError(post(
        "{ order_status_rows(status: \"paid\") { rows { key } } }", token));
    assertEquals("not-indexed", code(notIndexed));
    assertTrue(notIndexed.getString("message").contains("declares no indexes"),
        notIndexed.encode());
    HttpResponse<String> rest = fx.get("/v1/views/order_status?status=paid", token);
    assertEquals(400, rest.statusCode(), rest.body());
    JsonObject indexed = firstError(post(
        "{ orders_by_rows(userId: \"u-1\", amount: \"1\") { rows { key } } }", token));
    assertEquals("invalid-query", code(indexed), "orders_by has no column amount: a typo");
  }

  @Test
  void aFilterMatchingMoreRowsThanASubscriptionTracksEndsWithTooManyRows() {
    NodeGraphQLClient.assumeNode();
    for (int i = 1; i <= MAX_ROWS + 1; i++) {
      writeBy("big-" + i, 1, "u-big", "open");
    }
    for (int i = 1; i <= MAX_ROWS; i++) {
      writeBy("grow-" + i, 1, "u-grow", "open");
    }
    try (NodeGraphQLClient graphql = NodeGraphQLClient.connect(wsUrl(token))) {
      graphql.subscribe("big", "subscription { orders_by(userId: \"u-big\") { type key } }");
      assertEquals("too-many-rows", errorCode(graphql, "big"));
      graphql.subscribe("grow", "subscription { orders_by(userId: \"u-grow\") { type key } }");
      List<JsonObject> snapshot = graphql.until(e -> "grow".equals(e.getString("id"))
          && e.containsKey("next") && e.getJsonObject("next").getJsonObject("data")
              .getJsonObject(ORDERS_BY).getString("type").equals("LIVE"));
      assertEquals(MAX_ROWS + 1, snapshot.stream().filter(e -> e.containsKey("next")).count());
      writeBy("grow-" + (MAX_ROWS + 1), 1, "u-grow", "open");
      assertEquals("too-many-rows", errorCode(graphql, "grow"));
    }
  }

  @Test
  void filteredSubscriptionRefusalsAreErrorsWithCodes() {
    NodeGraphQLClient.assumeNode();
    try (NodeGraphQLClient graphql = NodeGraphQLClient.connect(wsUrl(token))) {
      graphql.subscribe("n", "subscription { order_status(status: \"paid\") { type } }");
      assertEquals("not-indexed", errorCode(graphql, "n"));
      graphql.subscribe("b", "subscription { orders_by(keys: [\"o-1\"], userId: \"u-1\") {"
          + " type } }");
      assertEquals("invalid-argument", errorCode(graphql, "b"));
    }
    String scoped = fx.token("views:product_revenue:read");
    try (NodeGraphQLClient graphql = NodeGraphQLClient.connect(wsUrl(scoped))) {
      graphql.subscribe("f", "subscription { orders_by(userId: \"u-1\") { type } }");
      assertEquals("forbidden", errorCode(graphql, "f"));
      graphql.subscribe("v", "subscription { orders_by { type } }");
      assertEquals("forbidden", errorCode(graphql, "v"));
    }
  }

  @Test
  void theHandshakeNeedsAToken() {
    WsClient.HandshakeFailed failed = assertThrows(WsClient.HandshakeFailed.class,
        () -> WsClient.connect(URI.create("ws://127.0.0.1:" + fx.gateway.port()
            + "/v1/graphql"), null));
    assertEquals(401, ((java.net.http.WebSocketHandshakeException) failed.getCause())
        .getResponse().statusCode());
  }
}
