package io.streamgate.gateway.ingest;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.IngestConfig;
import io.streamgate.harness.KafkaBroker;
import io.streamgate.harness.Paused;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Idempotency-Key} on event ingest, two gateways sharing one Redis, a broker of their own
 * (it is paused): a retry replays the first answer and writes nothing again, on either gateway;
 * the same key with another body is a 422; and the case: the broker frozen past the
 * timeout (503), a retry while Kafka has not answered (409), Kafka acknowledging late, and the
 * retry then replaying a 202 while the topic holds each event once.
 */
class IdempotentIngestIT {
  static final int TIMEOUT_MS = 1500;
  static KafkaBroker kafka;
  static GatewayFixture first;
  static GatewayFixture second;

  @BeforeAll
  static void start(@TempDir Path dir1, @TempDir Path dir2) {
    kafka = KafkaBroker.start();
    IngestSupport.createTopic(kafka.bootstrapServers(), "idem", 1);
    IngestConfig ingest = IngestConfig.defaults().withBootstrapServers(kafka.bootstrapServers())
        .withTimeoutMs(TIMEOUT_MS).withDelivery(60_000, 3_600);
    first = GatewayFixture.start(dir1, seeder -> { }, config -> config.withIngest(ingest));
    IngestSupport.register(first.seeder(), first.keyspace, IngestSupport.orders("idem", "idem"));
    second = GatewayFixture.start(dir2, null, first.redis.uri(), seeder -> { },
        config -> config.withIngest(ingest));
    for (GatewayFixture gateway : List.of(first, second)) {
      Poll.until(Duration.ofSeconds(5), () -> gateway.gateway.ingest().streams().find("idem"),
          found -> found.isPresent(), "stream registered");
    }
  }

  @AfterAll
  static void stop() {
    for (GatewayFixture gateway : new GatewayFixture[] {second, first}) {
      if (gateway != null) {
        gateway.close();
      }
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  static HttpResponse<String> post(GatewayFixture gateway, String token, String key, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + gateway.gateway.port() + "/v1/events/idem")).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    try {
      return IngestSupport.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String batch(String... ids) {
    List<String> events = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      events.add(IngestSupport.order(ids[i], i + 1));
    }
    return "[" + String.join(",", events) + "]";
  }

  /** How often each orderId is in the topic. */
  static Map<String, Long> counts() {
    return IngestSupport.readAll(kafka.bootstrapServers(), "idem").stream()
        .map(ConsumerRecord::key)
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  @Test
  void aRetryReplaysTheAnswerOnAnyGatewayAndAnotherBodyIsA422() {
    String token = first.token("events:idem:write");
    HttpResponse<String> original = post(first, token, "\"order-batch-1\"",
        batch("r-1", "r-2"));
    assertEquals(202, original.statusCode(), original.body());
    assertTrue(original.headers().firstValue("Idempotent-Replayed").isEmpty());
    for (GatewayFixture gateway : List.of(first, second)) {
      HttpResponse<String> retry = post(gateway, token, "order-batch-1", batch("r-1", "r-2"));
      assertEquals(202, retry.statusCode(), retry.body());
      assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(null));
      assertEquals(new JsonObject(original.body()), new JsonObject(retry.body()));
    }
    assertProblem(post(second, token, "order-batch-1", batch("r-1", "r-3")), 422,
        "idempotency-key-reused");
    // Keys are per principal: another caller's same key is its own request.
    String other = first.token(new JsonObject().put("sub", "someone-else")
        .put("scope", "events:idem:write"), new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
    HttpResponse<String> theirs = post(first, other, "order-batch-1", batch("r-4"));
    assertEquals(202, theirs.statusCode(), theirs.body());
    assertTrue(theirs.headers().firstValue("Idempotent-Replayed").isEmpty());
    assertProblem(post(first, token, "", batch("r-5")), 400, "bad-request");

    Map<String, Long> counts = counts();
    assertEquals(1L, counts.get("r-1"));
    assertEquals(1L, counts.get("r-2"));
    assertEquals(null, counts.get("r-3"), "the refused reuse wrote nothing");
  }

  @Test
  void aBatchKafkaAcknowledgesAfterThe503IsReplayedNotWrittenTwice() {
    String token = first.token("events:idem:write");
    String body = batch("late-1", "late-2", "late-3");
    assertEquals(202, post(first, token, null, batch("warm-up")).statusCode());
    try (Paused frozen = kafka.pause()) {
      long start = System.nanoTime();
      HttpResponse<String> firstTry = post(first, token, "late-batch", body);
      assertProblem(firstTry, 503, "events-unavailable");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < TIMEOUT_MS + 2_000, "the 503 took " + millis + " ms");
      // Kafka has not settled it: the retry (on the other gateway) waits instead of writing.
      HttpResponse<String> meanwhile = post(second, token, "late-batch", body);
      assertProblem(meanwhile, 409, "request-in-progress");
      assertTrue(meanwhile.headers().firstValue("Retry-After").isPresent());
    }
    HttpResponse<String> retry = Poll.until(Duration.ofSeconds(60),
        () -> post(second, token, "late-batch", body), r -> r.statusCode() != 409,
        "Kafka settles the first attempt");
    assertEquals(202, retry.statusCode(), retry.body());
    assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(null));
    assertEquals(3, new JsonObject(retry.body()).getJsonArray("events").size());

    Map<String, Long> counts = counts();
    for (String id : List.of("late-1", "late-2", "late-3")) {
      assertEquals(1L, counts.get(id), id + " in the topic: " + counts);
    }
    assertEquals(1L, counts.get("warm-up"));
  }
}
