package io.streamgate.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamgate.cli.kafka.KafkaOptions;
import io.streamgate.cli.token.DemoSecret;
import io.streamgate.cli.token.TokenMinter;
import io.streamgate.cli.token.TokenRequest;
import io.streamgate.contract.json.Json;
import io.streamgate.harness.FreePorts;
import io.streamgate.harness.Modules;
import io.streamgate.harness.Paused;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's retry case end to end, on the demo's own processes (Redis, a Kafka broker, the
 * Spark processor with the demo pipeline, a gateway) on free ports: the broker is frozen
 * (SIGSTOP) past the gateway's produce timeout, so the first {@code POST /v1/events/orders}
 * answers 503 while its batch waits in the producer; the broker resumes and acknowledges it; the
 * client's retry with the same {@code Idempotency-Key} and body replays a 202, and
 * {@code user_totals} counts each event once, exactly the totals computed from the events sent.
 */
class IdempotentRetryIT {
  private static final Duration DEADLINE = Duration.ofMinutes(3);
  private static final Duration FIRST_ROW = Duration.ofMinutes(5);
  private static final int USERS = 3;
  private static final int ORDERS = 12;
  /** The demo gateway's {@code ingest.timeoutMs} (deploy/local/gateway.yaml). */
  private static final long TIMEOUT_MS = 5_000;

  /** Kept when the test fails: the processes' logs are under logs/. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path stateDir;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3)).build();
  private final String run = Long.toString(System.nanoTime(), 36);

  @Test
  void aBatchKafkaAcknowledgesAfterA503IsCountedOnceWhenRetried() throws Exception {
    DemoSettings settings = DemoSettings.defaults(Modules.root())
        .withStateDir(stateDir)
        .withPorts(FreePorts.find(), FreePorts.find(), FreePorts.find())
        .withGenerator(false)
        .withProcessorMetricsPort(FreePorts.find())
        .withManagementPort(FreePorts.find());
    Demo demo = new Demo(settings, new StartupProgress(System.out));
    try {
      demo.start();
      String writer = token("idempotent-retry-it", "events:orders:write");
      Child kafka = demo.children().stream().filter(child -> child.name().equals("kafka")).findFirst()
          .orElseThrow();

      List<Order> orders = new ArrayList<>();
      for (int i = 0; i < ORDERS; i++) {
        orders.add(new Order("o-" + run + "-" + i, user(i % USERS), new BigDecimal("1.25").multiply(
            BigDecimal.valueOf(i + 1)).add(new BigDecimal("0.01"))));
      }
      String body = "[" + String.join(",", orders.stream().map(Order::json).toList()) + "]";
      String key = "retry-" + run;

      // The producer connects on the first event: warm it up so the pause hits a produce request.
      // On a loaded machine that first connection may itself outlast the timeout: the warm-up is
      // retried, with a key of its own, so it too is counted once.
      accepted(demo, writer, "warm-up-" + run, order("o-" + run + "-warm", user(0), "1.00"));
      // Spark's first batches (code generation, state stores) take long on a loaded machine: wait
      // for them, so that the deadlines below are about the retried batch only.
      awaitRow(demo, "user_totals", user(0), new Totals(1, new BigDecimal("1.00"))::matches, FIRST_ROW);
      HttpResponse<String> firstTry;
      try (Paused frozen = Paused.pause(kafka.pid())) {
        long start = System.nanoTime();
        firstTry = post(demo, writer, key, body);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertProblem(firstTry, 503, "events-unavailable");
        assertTrue(millis >= TIMEOUT_MS, "the 503 came after " + millis + " ms, before the timeout");
        // Kafka has not settled the first attempt: a retry now waits instead of writing again.
        assertProblem(post(demo, writer, key, body), 409, "request-in-progress");
      }
      HttpResponse<String> retry = retryUntilSettled(demo, writer, key, body);
      assertEquals(202, retry.statusCode(), retry.body());
      assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(null), retry.body());
      assertEquals(ORDERS, ((List<?>) Json.parseObject(retry.body()).get("events")).size(), retry.body());
      System.out.printf("IdempotentRetryIT: 503 (%s), then the retry replayed the late 202%n",
          Json.parseObject(firstTry.body()).get("requestId"));

      Map<String, Long> inTopic = countByOrderId(settings.kafkaBootstrap());
      for (Order order : orders) {
        assertEquals(1L, inTopic.get(order.orderId()), order.orderId() + " in the topic: " + inTopic);
      }

      Map<String, Totals> expected = new TreeMap<>();
      expected.put(user(0), new Totals(1, new BigDecimal("1.00")));
      for (Order order : orders) {
        expected.merge(order.userId(), new Totals(1, order.amount()), Totals::plus);
      }
      for (Map.Entry<String, Totals> user : expected.entrySet()) {
        awaitRow(demo, "user_totals", user.getKey(), user.getValue()::matches);
      }
      // Two more batches, written after everything above: once the second is served, every batch
      // holding the first (and so every record before it, in any partition) is fully written.
      for (int i = 1; i <= 2; i++) {
        String sentinel = "o-" + run + "-sentinel-" + i;
        accepted(demo, writer, sentinel, order(sentinel, user(-i), "1.00"));
        awaitRow(demo, "order_status", sentinel, value -> "created".equals(value.get("status")));
      }
      for (Map.Entry<String, Totals> user : expected.entrySet()) {
        Map<String, Object> value = row(demo, "user_totals", user.getKey());
        assertTrue(user.getValue().matches(value), user.getKey() + ": expected " + user.getValue()
            + ", served " + value);
      }
    } finally {
      demo.stop(line -> System.out.println("IdempotentRetryIT: " + line));
    }
  }

  /** Retries while the gateway answers 409 (the first attempt not settled by Kafka yet). */
  private HttpResponse<String> retryUntilSettled(Demo demo, String writer, String key, String body)
      throws Exception {
    return retryWhile(demo, writer, key, body, status -> status == 409);
  }

  /** Posts with an idempotency key until the gateway answers 202 (retrying 503 and 409). */
  private void accepted(Demo demo, String writer, String key, String body) throws Exception {
    HttpResponse<String> answer = retryWhile(demo, writer, key, body, status -> status == 409 || status == 503);
    assertEquals(202, answer.statusCode(), answer.body());
  }

  private HttpResponse<String> retryWhile(Demo demo, String writer, String key, String body,
      IntPredicate retryable) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    HttpResponse<String> answer;
    do {
      answer = post(demo, writer, key, body);
      if (!retryable.test(answer.statusCode())) {
        return answer;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    return fail("still " + answer.statusCode() + " after " + DEADLINE.toSeconds() + " s: " + answer.body());
  }

  private HttpResponse<String> post(Demo demo, String token, String idempotencyKey, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(demo.gateway().base().resolve("/v1/events/orders"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertProblem(HttpResponse<String> response, int status, String type) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals("application/problem+json",
        response.headers().firstValue("Content-Type").orElse("").split(";")[0].strip());
    Map<String, Object> problem = Json.parseObject(response.body());
    assertEquals("https://streamgate.dev/problems/" + type, problem.get("type"), response.body());
    assertTrue(problem.get("requestId") instanceof String, response.body());
  }

  private String token(String subject, String scope) throws Exception {
    try (TokenMinter minter = new TokenMinter(DemoSecret.load(stateDir.resolve(DemoSecret.FILE_NAME)))) {
      return minter.mint(new TokenRequest(subject, scope, null, null, Duration.ofMinutes(10)));
    }
  }

  private String user(int index) {
    return "u-" + run + "-" + (index < 0 ? "sentinel" + -index : Integer.toString(index));
  }

  private static String order(String orderId, String userId, String amount) {
    return new Order(orderId, userId, new BigDecimal(amount)).json();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> row(Demo demo, String view, String key) {
    GatewayClient.Response answer = demo.gateway().row(view, key, demo.token());
    if (!answer.ok()) {
      return Map.of();
    }
    return (Map<String, Object>) Json.parseObject(answer.body()).get("value");
  }

  private static void awaitRow(Demo demo, String view, String key, Predicate<Map<String, Object>> test)
      throws InterruptedException {
    awaitRow(demo, view, key, test, DEADLINE);
  }

  private static void awaitRow(Demo demo, String view, String key, Predicate<Map<String, Object>> test,
      Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    Map<String, Object> last;
    do {
      last = row(demo, view, key);
      if (test.test(last)) {
        return;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    fail(view + "/" + key + " not as expected within " + within.toSeconds() + " s; last value: " + last);
  }

  /** How often each orderId is in the orders topic, read from the beginning to the current end. */
  private static Map<String, Long> countByOrderId(String bootstrap) {
    Map<String, Long> counts = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(KafkaOptions.consumer(bootstrap))) {
      List<TopicPartition> partitions = consumer.partitionsFor(DemoSettings.ORDERS_TOPIC).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          fail("the orders topic was not read to its end within " + DEADLINE.toSeconds() + " s");
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          counts.merge(record.key(), 1L, Long::sum);
        }
      }
    }
    return counts;
  }

  private record Order(String orderId, String userId, BigDecimal amount) {
    String json() {
      return "{\"orderId\":\"" + orderId + "\",\"userId\":\"" + userId + "\",\"productId\":\"sku-retry\","
          + "\"amount\":" + amount.toPlainString() + ",\"status\":\"created\",\"ts\":\"" + Instant.now() + "\"}";
    }
  }

  /** What user_totals must serve for a user: its created orders and their sum, rounded to cents. */
  private record Totals(long orders, BigDecimal total) {
    Totals plus(Totals other) {
      return new Totals(orders + other.orders, total.add(other.total));
    }

    boolean matches(Map<String, Object> value) {
      return value.get("orders") instanceof Number count && count.longValue() == orders
          && value.get("total") instanceof Number sum
          && BigDecimal.valueOf(sum.doubleValue()).setScale(2, RoundingMode.HALF_UP).compareTo(total) == 0;
    }
  }
}
