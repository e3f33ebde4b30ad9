package io.streamgate.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.IngestConfig;
import io.streamgate.harness.FreePorts;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka never reachable (nothing listens on the configured port): a valid event gets 503 with
 * Retry-After after the bounded wait, never a 202, and while it waits, a second request that
 * does not fit the in-flight budget is refused at once.
 */
class IngestUnreachableIT {
  static final int TIMEOUT_MS = 1000;
  static GatewayFixture fixture;

  @BeforeAll
  static void start(@TempDir Path dir) {
    String nowhere = "127.0.0.1:" + FreePorts.find();
    // Budget = one body limit: a request of 700 bytes in flight leaves no room for another.
    fixture = GatewayFixture.start(dir, seeder -> { }, config -> config.withIngest(
        IngestConfig.defaults().withBootstrapServers(nowhere).withTimeoutMs(TIMEOUT_MS)
            .withLimits(1024, 100, 1024)));
    IngestSupport.register(fixture.seeder(), fixture.keyspace,
        IngestSupport.orders("lost", "lost"));
    Poll.until(Duration.ofSeconds(5), () -> fixture.gateway.ingest().streams().find("lost"),
        found -> found.isPresent(), "stream registered");
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void answers503AfterTheBoundedWaitAndRefusesWhatExceedsTheInFlightBudgetAtOnce()
      throws Exception {
    String token = fixture.token("events:lost:write");
    int port = fixture.gateway.port();
    StringBuilder events = new StringBuilder("[");
    for (int i = 0; i < 12; i++) {
      events.append(i == 0 ? "" : ",").append(IngestSupport.order("o-" + i, i));
    }
    String body = events.append(']').toString();
    assertTrue(body.length() > 512 && body.length() <= 1024, "body of " + body.length());

    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() ->
        IngestSupport.post(port, "lost", token, "application/json",
            HttpRequest.BodyPublishers.ofString(body), Duration.ofSeconds(10)));
    Poll.until(Duration.ofSeconds(5), () -> fixture.metrics(),
        m -> m.contains("streamgate_ingest_inflight_bytes " + body.length()),
        "the first request waiting for Kafka");
    long t0 = System.nanoTime();
    HttpResponse<String> refused = IngestSupport.post(port, "lost", token, "application/json",
        body);
    long refusedMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(503, refused.statusCode(), refused.body());
    assertTrue(refusedMs < TIMEOUT_MS / 2, "the over-budget request waited " + refusedMs + " ms");
    assertTrue(refused.body().contains("waiting for Kafka already"), refused.body());
    assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));

    HttpResponse<String> timedOut = waiting.get();
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(503, timedOut.statusCode(), timedOut.body());
    JsonObject problem = new JsonObject(timedOut.body());
    assertEquals("https://streamgate.dev/problems/events-unavailable", problem.getString("type"));
    assertEquals("1", timedOut.headers().firstValue("Retry-After").orElse(null));
    assertTrue(waitedMs >= TIMEOUT_MS && waitedMs < TIMEOUT_MS + 1500,
        "answered after " + waitedMs + " ms");
    // The budget is free again: the next request waits for Kafka instead of being refused.
    assertTrue(fixture.metrics()
        .contains("streamgate_ingest_inflight_bytes 0.0"));
    assertEquals(200, fixture.get("/health/live", null).statusCode());
  }
}
