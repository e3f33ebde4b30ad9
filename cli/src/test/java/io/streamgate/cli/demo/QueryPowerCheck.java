package io.streamgate.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamgate.contract.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Issue 17's done-check on the running demo: a filter on an indexed column returns exactly the
 * orders produced for that user, {@code ?fields=} only the fields asked for, every answer carries
 * the freshness headers, and GraphQL answers the same rows as REST and pushes the same change as
 * the WebSocket.
 */
final class QueryPowerCheck {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final String token;

  QueryPowerCheck(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /** {@code orders}: orderId → latest status, every order produced for {@code user}. */
  void filterAndProjection(String user, Map<String, String> orders) throws Exception {
    String filter = "/v1/views/order_status?userId=" + encode(user) + "&limit=100";
    Map<String, String> served = awaitStatuses(filter, orders::equals);
    assertEquals(orders, served, "?userId= returns exactly the produced orders of " + user);

    HttpResponse<String> projected = get(filter + "&fields=status");
    assertEquals(200, projected.statusCode(), projected.body());
    for (Map<String, Object> row : rows(projected.body())) {
      assertEquals(Set.of("status"), value(row).keySet(), "?fields=status: only status, " + row);
    }
    String someOrder = orders.keySet().iterator().next();
    for (String read : List.of(filter + "&fields=status", "/v1/views/order_status/" + encode(someOrder),
        "/v1/views/order_status?keys=" + encode(someOrder), "/v1/views/user_totals?limit=5",
        "/v1/views/product_revenue/top?n=3")) {
      assertFreshnessHeaders(read);
    }
  }

  /**
   * The answer to {@code path} carries the freshness headers, once the view's freshness is known:
   * a real-time view (order_status) reports it when its first real-time batch ends (10 s), which
   * can be after its first rows are served.
   */
  private void assertFreshnessHeaders(String path) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    HttpResponse<String> answer;
    do {
      answer = get(path);
      assertEquals(200, answer.statusCode(), answer.uri() + ": " + answer.body());
      if (answer.headers().firstValue("Streamgate-Watermark").isPresent()
          && answer.headers().firstValue("Streamgate-Lag-Ms").isPresent()) {
        return;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    fail(answer.uri() + " carries no Streamgate-Watermark and Streamgate-Lag-Ms within " + DEADLINE.toSeconds()
        + " s: " + answer.headers().map());
  }

  /** The GraphQL query of the same filter answers the same rows as REST. */
  void graphQlEqualsRest(String user) throws Exception {
    Map<String, String> rest = statuses(get("/v1/views/order_status?userId=" + encode(user) + "&limit=100").body());
    String query = "{ order_status_rows(userId: \"" + user + "\", first: 100) { rows { key status } } }";
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/v1/graphql"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("query", query)))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    Map<String, Object> body = Json.parseObject(answer.body());
    assertEquals(null, body.get("errors"), answer.body());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>)
        ((Map<String, Object>) ((Map<String, Object>) body.get("data")).get("order_status_rows")).get("rows");
    Map<String, String> graphql = new TreeMap<>();
    rows.forEach(row -> graphql.put((String) row.get("key"), (String) row.get("status")));
    assertEquals(rest, graphql, "GraphQL order_status_rows(userId:) = REST ?userId=");
  }

  /**
   * A GraphQL subscription and a WebSocket subscription to the orders of {@code user} (by the
   * indexed userId) both get the change {@code change} makes to {@code order}, with the same
   * version.
   */
  void subscriptionsAgree(String user, String order, String status, Runnable change) throws Exception {
    Frames push = new Frames();
    Frames graphql = new Frames();
    WebSocket ws = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
        .buildAsync(wsUri("/v1/ws"), push).get(10, TimeUnit.SECONDS);
    WebSocket gql = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
        .subprotocols("graphql-transport-ws").buildAsync(wsUri("/v1/graphql"), graphql)
        .get(10, TimeUnit.SECONDS);
    try {
      ws.sendText(Json.write(Map.of("op", "subscribe", "id", "s1", "view", "order_status",
          "where", Map.of("userId", user))), true);
      gql.sendText(Json.write(Map.of("type", "connection_init", "payload", Map.of())), true);
      graphql.await(m -> "connection_ack".equals(m.get("type")), "connection_ack");
      gql.sendText(Json.write(Map.of("id", "g1", "type", "subscribe", "payload", Map.of("query",
          "subscription { order_status(userId: \"" + user + "\") { type key version row { status } } }"))),
          true);
      push.await(m -> "subscribed".equals(m.get("type")), "push subscribed");
      graphql.await(m -> event(m) != null && "LIVE".equals(event(m).get("type")), "GraphQL LIVE");
      change.run();
      Map<String, Object> pushed = push.await(m -> "update".equals(m.get("type"))
          && status.equals(value(m).get("status")), "push update to " + status);
      Map<String, Object> next = graphql.await(m -> {
        Map<String, Object> event = event(m);
        return event != null && "UPDATE".equals(event.get("type"))
            && event.get("row") instanceof Map<?, ?> row && status.equals(row.get("status"));
      }, "GraphQL update to " + status);
      Map<String, Object> event = event(next);
      assertEquals(order, event.get("key"));
      assertEquals(((Number) pushed.get("version")).longValue(), ((Number) event.get("version")).longValue(),
          "GraphQL and WebSocket push the same change");
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
      gql.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
  }

  private Map<String, String> awaitStatuses(String path, Predicate<Map<String, String>> done) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    Map<String, String> last = Map.of();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> answer = get(path);
      if (answer.statusCode() == 200) {
        last = statuses(answer.body());
        if (done.test(last)) {
          return last;
        }
      }
      Thread.sleep(100);
    }
    return last;
  }

  private static Map<String, String> statuses(String body) {
    Map<String, String> out = new TreeMap<>();
    for (Map<String, Object> row : rows(body)) {
      out.put((String) row.get("key"), (String) value(row).get("status"));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(String body) {
    return (List<Map<String, Object>>) Json.parseObject(body).get("rows");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> value(Map<String, Object> row) {
    Object value = row.get("value");
    return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
  }

  /** The subscription event of a graphql-transport-ws {@code next} message, or null. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> event(Map<String, Object> message) {
    if (!"next".equals(message.get("type")) || !(message.get("payload") instanceof Map<?, ?> payload)
        || !(payload.get("data") instanceof Map<?, ?> data)) {
      return null;
    }
    return (Map<String, Object>) data.get("order_status");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI wsUri(String path) {
    return URI.create(base.toString().replaceFirst("^http", "ws")).resolve(path);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The JSON messages of one socket, in order. */
  private static final class Frames implements WebSocket.Listener {
    private final BlockingQueue<Map<String, Object>> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(Json.parseObject(partial.toString()));
        partial.setLength(0);
      }
      socket.request(1);
      return null;
    }

    Map<String, Object> await(Predicate<Map<String, Object>> test, String what) throws InterruptedException {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      long left;
      while ((left = deadline - System.nanoTime()) > 0) {
        Map<String, Object> message = messages.poll(left, TimeUnit.NANOSECONDS);
        if (message != null && test.test(message)) {
          return message;
        }
        assertNotNull(message == null || !"error".equals(message.get("type")) ? "" : null,
            what + ": error " + message);
      }
      return fail(what + " not received within " + DEADLINE.toSeconds() + " s");
    }
  }
}
