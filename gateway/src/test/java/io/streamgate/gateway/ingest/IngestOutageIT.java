package io.streamgate.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.IngestConfig;
import io.streamgate.harness.KafkaBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops while requests are in flight, then comes back: every 202 is in the topic at
 * the position it named, every other request got a non-2xx answer within the bounded wait, and
 * the gateway keeps answering meanwhile. A broker of its own (it is stopped).
 */
class IngestOutageIT {
  static final int TIMEOUT_MS = 1500;
  /** Kafka's delivery timeout plus the gateway's grace, plus scheduling slack on 2 cores. */
  static final long BOUND_MS = TIMEOUT_MS + 250 + 1500;
  static final int CLIENTS = 6;

  static KafkaBroker kafka;
  static GatewayFixture fixture;

  @BeforeAll
  static void start(@TempDir Path dir) {
    kafka = KafkaBroker.start();
    IngestSupport.createTopic(kafka.bootstrapServers(), "outage", 2);
    fixture = GatewayFixture.start(dir, seeder -> { }, config -> config.withIngest(
        IngestConfig.defaults().withBootstrapServers(kafka.bootstrapServers())
            .withTimeoutMs(TIMEOUT_MS)));
    IngestSupport.register(fixture.seeder(), fixture.keyspace,
        IngestSupport.orders("outage", "outage"));
    Poll.until(Duration.ofSeconds(5), () -> fixture.gateway.ingest().streams().find("outage"),
        found -> found.isPresent(), "stream registered");
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** One request's events (by orderId) and how it ended. */
  record Outcome(List<String> ids, List<String> texts, int status, JsonArray positions,
      long millis) {}

  @Test
  void everyAcknowledgedEventSurvivesAndEveryFailureIsANon2xxInTime() throws Exception {
    String token = fixture.token("events:outage:write");
    int port = fixture.gateway.port();
    List<Outcome> outcomes = new ArrayList<>();
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong seq = new AtomicLong();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Future<List<Outcome>>> workers = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      workers.add(clients.submit(() -> {
        List<Outcome> mine = new ArrayList<>();
        while (running.get()) {
          List<String> ids = new ArrayList<>();
          List<String> texts = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            String id = "o-" + seq.incrementAndGet();
            ids.add(id);
            texts.add(IngestSupport.order(id, i));
          }
          long start = System.nanoTime();
          // The client waits longer than the bound: a hang shows up as a slow answer below,
          // and as an exception only past 4 times the bound.
          HttpResponse<String> r = IngestSupport.post(port, "outage", token, "application/json",
              HttpRequest.BodyPublishers.ofString("[" + String.join(",", texts) + "]"),
              Duration.ofMillis(4 * BOUND_MS));
          long millis = (System.nanoTime() - start) / 1_000_000;
          statuses.merge(r.statusCode(), 1, Integer::sum);
          mine.add(new Outcome(ids, texts, r.statusCode(), r.statusCode() == 202
              ? new JsonObject(r.body()).getJsonArray("events") : null, millis));
          if (r.statusCode() != 202) {
            assertEquals("application/problem+json",
                r.headers().firstValue("Content-Type").orElse(null));
            assertTrue(r.headers().firstValue("Retry-After").isPresent(), r.body());
          }
        }
        return mine;
      }));
    }
    Poll.until(Duration.ofSeconds(20), () -> statuses.getOrDefault(202, 0), n -> n >= 30,
        "202s before the outage");
    kafka.stop();
    long stoppedAt = System.nanoTime();
    // While Kafka is down the gateway answers at once on other routes.
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      assertEquals(200, fixture.get("/health/live", null).statusCode());
      assertTrue((System.nanoTime() - t0) / 1_000_000 < 500, "liveness slow while Kafka is down");
    }
    Poll.until(Duration.ofSeconds(15), () -> statuses.getOrDefault(503, 0), n -> n >= CLIENTS,
        "503s while Kafka is down");
    long downForMs = (System.nanoTime() - stoppedAt) / 1_000_000;
    kafka.restart();
    int acceptedBefore = statuses.getOrDefault(202, 0);
    Poll.until(Duration.ofSeconds(30), () -> statuses.getOrDefault(202, 0),
        n -> n >= acceptedBefore + 20, "202s after Kafka is back");
    running.set(false);
    for (Future<List<Outcome>> worker : workers) {
      outcomes.addAll(worker.get(4 * BOUND_MS, TimeUnit.MILLISECONDS));
    }
    clients.shutdown();

    Map<String, ConsumerRecord<String, String>> inTopic = new HashMap<>();
    for (ConsumerRecord<String, String> r : IngestSupport.readAll(kafka.bootstrapServers(),
        "outage")) {
      inTopic.put(r.partition() + "/" + r.offset(), r);
    }
    int accepted = 0;
    int failed = 0;
    long slowest = 0;
    for (Outcome o : outcomes) {
      slowest = Math.max(slowest, o.millis());
      assertTrue(o.millis() <= BOUND_MS, "a request took " + o.millis() + " ms (bound "
          + BOUND_MS + " ms), status " + o.status());
      if (o.status() == 202) {
        accepted++;
        for (int i = 0; i < o.ids().size(); i++) {
          JsonObject p = o.positions().getJsonObject(i);
          ConsumerRecord<String, String> r = inTopic.get(p.getInteger("partition") + "/"
              + p.getLong("offset"));
          assertNotNull(r, "event " + o.ids().get(i) + " got a 202 at " + p + " but is not there");
          assertEquals(o.texts().get(i), r.value());
        }
      } else {
        failed++;
        assertTrue(o.status() >= 400, "status " + o.status());
      }
    }
    assertTrue(failed >= CLIENTS, "expected failures while Kafka was down");
    System.out.printf("outage: %d requests accepted, %d refused, slowest %d ms, Kafka down %d ms"
        + " until restart%n", accepted, failed, slowest, downForMs);
  }
}
