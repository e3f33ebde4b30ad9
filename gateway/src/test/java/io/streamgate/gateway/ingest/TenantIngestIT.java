package io.streamgate.gateway.ingest;

import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.events.EventField;
import io.streamgate.contract.events.EventSchema;
import io.streamgate.contract.events.FieldType;
import io.streamgate.contract.events.StreamEntry;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.IngestConfig;
import io.streamgate.harness.KafkaBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes of a tenant-bound token (issue 14): only events whose key field and tenant-scoped
 * fields start with its tenant are written; a batch with any other is a 403 naming each event
 * and field, and nothing of it reaches the topic. Also the JSON nesting limit on an ingest body.
 * Real broker, real redis-server.
 */
class TenantIngestIT {
  static KafkaBroker kafka;
  static GatewayFixture fixture;

  @BeforeAll
  static void start(@TempDir Path dir) {
    kafka = KafkaBroker.shared();
    IngestSupport.createTopic(kafka.bootstrapServers(), "tenant-orders", 1);
    IngestSupport.createTopic(kafka.bootstrapServers(), "tenant-carts", 1);
    fixture = GatewayFixture.start(dir, seeder -> { }, config -> config.withIngest(
        IngestConfig.defaults().withBootstrapServers(kafka.bootstrapServers())));
    IngestSupport.register(fixture.seeder(), fixture.keyspace,
        IngestSupport.orders("orders", "tenant-orders"));
    IngestSupport.register(fixture.seeder(), fixture.keyspace, new StreamEntry("carts",
        "tenant-carts", new EventSchema(List.of(new EventField("cartId", FieldType.STRING, true),
            new EventField("userId", FieldType.STRING, false))), "cartId", null,
        System.currentTimeMillis(), List.of("userId")));
    Poll.until(Duration.ofSeconds(5), () -> fixture.gateway.ingest().streams().find("carts"),
        found -> found.isPresent(), "streams registered");
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  static String tenantToken(String tenant) {
    return fixture.token(new JsonObject().put("sub", "partner").put("tenant", tenant)
        .put("scope", "events:write"), new JWTOptions().setIssuer("streamgate")
        .setAudience(List.of("streamgate")).setExpiresInMinutes(5));
  }

  @Test
  void aTenantWritesOnlyItsOwnKeysAndAForeignOneRefusesTheWholeBatch() {
    int port = fixture.gateway.port();
    String acme = tenantToken("acme");
    HttpResponse<String> refused = IngestSupport.post(port, "orders", acme, "application/json",
        "[" + IngestSupport.order("acme:o-1", 1) + "," + IngestSupport.order("globex:o-1", 2)
            + "," + IngestSupport.order("o-3", 3) + "," + IngestSupport.order("acme:", 4) + "]");
    assertProblem(refused, 403, "forbidden");
    JsonObject problem = GatewayFixture.json(refused);
    assertEquals("acme", problem.getString("tenant"));
    JsonArray violations = problem.getJsonArray("violations");
    assertEquals(3, violations.size(), problem.encode());
    for (int i = 0; i < 3; i++) {
      assertEquals(i + 1, violations.getJsonObject(i).getInteger("index"), problem.encode());
      assertEquals("orderId", violations.getJsonObject(i).getString("field"));
    }
    assertTrue(problem.getString("detail").contains("nothing was written"), problem.encode());

    HttpResponse<String> own = IngestSupport.post(port, "orders", acme, "application/json",
        "[" + IngestSupport.order("acme:o-1", 1) + "," + IngestSupport.order("acme:o-2", 2) + "]");
    assertEquals(202, own.statusCode(), own.body());
    // A token without a tenant writes any key.
    HttpResponse<String> operator = IngestSupport.post(port, "orders",
        fixture.token("events:write"), "application/json", IngestSupport.order("globex:o-9", 9));
    assertEquals(202, operator.statusCode(), operator.body());

    List<String> keys = IngestSupport.readAll(kafka.bootstrapServers(), "tenant-orders").stream()
        .map(ConsumerRecord::key).toList();
    assertEquals(List.of("acme:o-1", "acme:o-2", "globex:o-9"), keys,
        "the refused batch wrote nothing");
  }

  @Test
  void aDeclaredTenantFieldMustBelongToTheTenantToo() {
    int port = fixture.gateway.port();
    String acme = tenantToken("acme");
    HttpResponse<String> refused = IngestSupport.post(port, "carts", acme,
        "application/x-ndjson", "{\"cartId\":\"acme:c-1\",\"userId\":\"acme:u-1\"}\n"
            + "{\"cartId\":\"acme:c-2\",\"userId\":\"globex:u-7\"}\n"
            + "{\"cartId\":\"acme:c-3\"}\n");
    assertProblem(refused, 403, "forbidden");
    JsonArray violations = GatewayFixture.json(refused).getJsonArray("violations");
    assertEquals(2, violations.size(), refused.body());
    assertEquals(new JsonObject().put("index", 1).put("field", "userId"),
        new JsonObject().put("index", violations.getJsonObject(0).getInteger("index"))
            .put("field", violations.getJsonObject(0).getString("field")));
    assertEquals(2, violations.getJsonObject(1).getInteger("index"));
    assertTrue(violations.getJsonObject(1).getString("reason").endsWith("absent"), refused.body());
    assertEquals(202, IngestSupport.post(port, "carts", acme, "application/json",
        "{\"cartId\":\"acme:c-1\",\"userId\":\"acme:u-1\"}").statusCode());
    assertEquals(List.of("acme:c-1"), IngestSupport.readAll(kafka.bootstrapServers(),
        "tenant-carts").stream().map(ConsumerRecord::key).toList());
  }

  @Test
  void aDeeplyNestedBodyIsAQuick400NotAHang() {
    long start = System.nanoTime();
    HttpResponse<String> response = IngestSupport.post(fixture.gateway.port(), "orders",
        fixture.token("events:write"), "application/json", "[".repeat(600_000));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertProblem(response, 400, "bad-request");
    assertTrue(response.body().contains("nested deeper than 64"), response.body());
    assertTrue(millis < 5_000, "answered after " + millis + " ms");
    // Same for one event nested too deep inside a valid array, and for NDJSON.
    assertProblem(IngestSupport.post(fixture.gateway.port(), "orders",
        fixture.token("events:write"), "application/x-ndjson",
        "{\"a\":" + "[".repeat(100_000) + "\n"), 400, "bad-request");
  }
}
