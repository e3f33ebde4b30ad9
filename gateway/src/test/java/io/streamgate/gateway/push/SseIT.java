package io.streamgate.gateway.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.GatewayFixture;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/views/{view}/{key}/events} against a real redis-server. */
class SseIT {
  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("order_status", "status");
      seed.write(PushIT.row("order_status", "o1", 3));
    });
    token = fx.token("views:read");
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void snapshotThenUpdatesWithTheVersionAsEventId() throws Exception {
    try (Events events = Events.open(fx.gateway.port(), "/v1/views/order_status/o1/events",
        token, null)) {
      assertEquals(200, events.response.statusCode());
      assertTrue(events.response.headers().firstValue("content-type").orElse("")
          .startsWith("text/event-stream"));
      Map<String, String> snapshot = events.next();
      assertEquals("snapshot", snapshot.get("event"));
      assertEquals("3", snapshot.get("id"));
      JsonObject row = new JsonObject(snapshot.get("data"));
      assertEquals("o1", row.getString("key"));
      assertEquals(3, row.getLong("version"));
      assertEquals("subscribed", events.next().get("event"));
      for (long v = 4; v <= 8; v++) {
        fx.seeder().write(PushIT.row("order_status", "o1", v));
      }
      for (long v = 4; v <= 8; v++) {
        Map<String, String> update = events.next();
        assertEquals("update", update.get("event"));
        assertEquals(Long.toString(v), update.get("id"));
        assertEquals(v, new JsonObject(update.get("data")).getLong("version"));
      }
    }
  }

  @Test
  void lastEventIdResumesWithOnlyNewerState() throws Exception {
    fx.seeder().write(PushIT.row("order_status", "o2", 7));
    try (Events current = Events.open(fx.gateway.port(), "/v1/views/order_status/o2/events",
        token, "7")) {
      Map<String, String> ack = current.next();
      assertEquals("subscribed", ack.get("event"), "nothing older or equal is resent");
      assertEquals(List.of("o2"), new JsonObject(ack.get("data")).getJsonArray("upToDate")
          .getList());
      fx.seeder().write(PushIT.row("order_status", "o2", 8));
      assertEquals("8", current.next().get("id"));
    }
    try (Events behind = Events.open(fx.gateway.port(), "/v1/views/order_status/o2/events",
        token, "5")) {
      Map<String, String> snapshot = behind.next();
      assertEquals("snapshot", snapshot.get("event"));
      assertEquals("8", snapshot.get("id"));
    }
  }

  @Test
  void aDeleteIsADeleteEventWithTheTombstoneAsData() throws Exception {
    fx.seeder().write(PushIT.row("order_status", "o3", 2));
    try (Events events = Events.open(fx.gateway.port(), "/v1/views/order_status/o3/events",
        token, null)) {
      assertEquals("1", events.response.headers().firstValue("Streamgate-View-Version")
          .orElseThrow());
      assertEquals("snapshot", events.next().get("event"));
      assertEquals("subscribed", events.next().get("event"));
      fx.seeder().delete(new Tombstone("order_status", "o3", 3, 99));
      Map<String, String> delete = events.next();
      assertEquals("delete", delete.get("event"));
      assertEquals("3", delete.get("id"), "a delete is a version: Last-Event-ID resumes after it");
      assertEquals(new Tombstone("order_status", "o3", 3, 99).toJson(), delete.get("data"));
    }
  }

  @Test
  void refusalsAreProblemsBeforeTheStreamStarts() {
    assertEquals(401, fx.get("/v1/views/order_status/o1/events", null).statusCode());
    assertEquals(403, fx.get("/v1/views/order_status/o1/events",
        fx.token("views:user_totals:read")).statusCode());
    assertEquals(404, fx.get("/v1/views/nope/o1/events", token).statusCode());
    assertEquals(400, fx.get("/v1/views/order_status/o1/events", token,
        "Last-Event-ID", "yesterday").statusCode());
  }

  @Test
  void theTokenMayComeAsAQueryParameterForEventSource() throws Exception {
    try (Events events = Events.open(fx.gateway.port(),
        "/v1/views/order_status/o1/events?access_token=" + token, null, null)) {
      assertEquals(200, events.response.statusCode());
      assertEquals("snapshot", events.next().get("event"));
    }
  }

  /** A streaming SSE reader: one map (id, event, data) per event. */
  static final class Events implements AutoCloseable {
    final HttpResponse<Stream<String>> response;
    final LinkedBlockingQueue<Map<String, String>> queue = new LinkedBlockingQueue<>();
    private final Thread reader;

    private Events(HttpResponse<Stream<String>> response) {
      this.response = response;
      this.reader = new Thread(() -> {
        Map<String, String> event = new LinkedHashMap<>();
        try {
          for (String line : (Iterable<String>) response.body()::iterator) {
            if (line.isEmpty()) {
              if (event.containsKey("event")) {
                queue.add(event);
              }
              event = new LinkedHashMap<>();
            } else if (!line.startsWith(":")) {
              int colon = line.indexOf(':');
              event.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
          }
        } catch (RuntimeException e) {
          // closed by the test
        }
      }, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    static Events open(int port, String path, String token, String lastEventId)
        throws IOException, InterruptedException {
      HttpRequest.Builder request = HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + path));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      return new Events(HttpClient.newHttpClient().send(request.build(),
          HttpResponse.BodyHandlers.ofLines()));
    }

    Map<String, String> next() throws InterruptedException {
      Map<String, String> event = queue.poll(5, TimeUnit.SECONDS);
      if (event == null) {
        throw new AssertionError("no event within 5 s");
      }
      return event;
    }

    @Override
    public void close() {
      response.body().close();
      reader.interrupt();
    }
  }
}
