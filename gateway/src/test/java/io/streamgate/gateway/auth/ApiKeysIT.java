package io.streamgate.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.harness.RedisServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys on three real gateways over one Redis: a key made through the admin API reads a view
 * on every gateway (REST, SSE), is revoked and refused by every gateway within 2 s, also when
 * the revocation's message is lost; the key is shown once and never listed; wrong keys cost
 * Redis nothing and are limited per client address (last: it locks this test's address out).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiKeysIT {
  private static final String ROW = "/v1/views/user_totals/u1";
  private static final Duration REVOKED_WITHIN = Duration.ofSeconds(2);

  @TempDir static Path tempDir;
  static RedisServer redis;
  static final List<GatewayFixture> gateways = new ArrayList<>();
  static final ByteArrayOutputStream out = new ByteArrayOutputStream();
  static PrintStream stdout;
  static String admin;

  @BeforeAll
  static void start() throws IOException {
    stdout = System.out;
    System.setOut(new PrintStream(new Tee(stdout, out), true, StandardCharsets.UTF_8));
    redis = RedisServer.start();
    for (int i = 0; i < 3; i++) {
      boolean first = i == 0;
      Path dir = Files.createDirectories(tempDir.resolve("g" + i));
      gateways.add(GatewayFixture.start(dir, null, redis.uri(), seed -> {
        if (first) {
          seed.register("user_totals", "orders");
          seed.write(new Row("user_totals", "u1", 1, 1, "{\"orders\":1}"));
          seed.write(new Row("user_totals", "acme:1", 1, 1, "{\"orders\":2}"));
        }
      }));
    }
    admin = gateways.get(0).token(new JsonObject().put("sub", "ops-alice").put("scope", "admin"),
        new JWTOptions().setIssuer("streamgate").setAudience(List.of("streamgate"))
            .setExpiresInMinutes(5));
  }

  @AfterAll
  static void stop() {
    try {
      gateways.forEach(GatewayFixture::close);
      if (redis != null) {
        redis.close();
      }
    } finally {
      System.setOut(stdout);
    }
  }

  @Test
  @Order(1)
  void aNewKeyReadsAViewOnEveryGatewayAndIsRefusedByEveryOneWithin2sOfItsRevocation() {
    JsonObject created = create("{\"sub\":\"partner-a\",\"scopes\":[\"views:read\"],"
        + "\"plan\":\"default\"}");
    String key = created.getString("key");
    assertTrue(key.startsWith("sgk_" + created.getString("id") + "_"), key);
    assertEquals("active", created.getString("state"));
    for (GatewayFixture g : gateways) {
      HttpResponse<String> ok = Poll.until(Duration.ofSeconds(3), () -> withKey(g, ROW, key),
          r -> r.statusCode() == 200, "the new key accepted on gateway " + g.gateway.port());
      assertEquals("u1", GatewayFixture.json(ok).getString("key"));
    }
    // The audit line: who, what, which key, from where, the outcome; never the key itself.
    JsonObject audit = auditLine("create-key", created.getString("id"));
    assertEquals("ops-alice", audit.getString("who"));
    assertEquals("partner-a", audit.getJsonObject("key").getString("sub"));
    assertEquals("127.0.0.1", audit.getString("from"));
    assertEquals("ok", audit.getString("outcome"));
    assertFalse(out.toString(StandardCharsets.UTF_8).contains(key), "the key was logged");

    HttpResponse<String> revoked = admin("DELETE", gateways.get(1),
        "/admin/v1/keys/" + created.getString("id"), null);
    long revokedAt = System.nanoTime();
    assertEquals(200, revoked.statusCode(), revoked.body());
    assertEquals("revoked", GatewayFixture.json(revoked).getString("state"));
    for (GatewayFixture g : gateways) {
      HttpResponse<String> refused = Poll.until(REVOKED_WITHIN.minus(
          Duration.ofNanos(System.nanoTime() - revokedAt)), () -> withKey(g, ROW, key),
          r -> r.statusCode() == 401, "the revoked key refused on gateway " + g.gateway.port());
      GatewayFixture.assertProblem(refused, 401, "unauthorized");
      assertTrue(refused.body().contains("revoked"), refused.body());
    }
    assertEquals("ok", auditLine("revoke-key", created.getString("id")).getString("outcome"));
  }

  @Test
  @Order(2)
  void aRevocationWhoseMessageIsLostStillReachesEveryGatewayWithin2s() {
    JsonObject created = create("{\"sub\":\"partner-b\",\"scopes\":\"views:user_totals:read\"}");
    String key = created.getString("key");
    for (GatewayFixture g : gateways) {
      Poll.until(Duration.ofSeconds(3), () -> withKey(g, ROW, key), r -> r.statusCode() == 200,
          "the new key accepted on gateway " + g.gateway.port());
    }
    // What the revoke script does, without its PUBLISH: only the revision tells the gateways.
    GatewayFixture.Seeder redisClient = gateways.get(0).seeder();
    String id = created.getString("id");
    String hash = gateways.get(0).keyspace.apiKeys();
    JsonObject record = new JsonObject(redisClient.send(Request.cmd(Command.HGET).arg(hash)
        .arg(id)).toString());
    redisClient.send(Request.cmd(Command.HSET).arg(hash).arg(id)
        .arg(record.put("revokedAt", System.currentTimeMillis()).encode()));
    redisClient.send(Request.cmd(Command.INCR).arg(gateways.get(0).keyspace.apiKeysRevision()));
    long revokedAt = System.nanoTime();
    for (GatewayFixture g : gateways) {
      Poll.until(REVOKED_WITHIN.minus(Duration.ofNanos(System.nanoTime() - revokedAt)),
          () -> withKey(g, ROW, key), r -> r.statusCode() == 401,
          "the silently revoked key refused on gateway " + g.gateway.port());
    }
  }

  @Test
  @Order(3)
  void aKeyWorksWhereATokenDoesAndIsListedWithoutItsSecret() throws Exception {
    JsonObject created = create("{\"sub\":\"partner-c\",\"scopes\":[\"views:read\"],"
        + "\"tenant\":\"acme\",\"ttlSeconds\":3600}");
    String key = created.getString("key");
    GatewayFixture g = gateways.get(2);
    Poll.until(Duration.ofSeconds(3), () -> withKey(g, "/v1/views", key),
        r -> r.statusCode() == 200, "the key accepted");
    // Its tenant binds it like a token's: u1 is not an acme key.
    GatewayFixture.assertProblem(withKey(g, ROW, key), 403, "forbidden");
    // SSE where a browser cannot set headers: ?api_key=.
    HttpResponse<Stream<String>> sse = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + g.gateway.port()
            + "/v1/views/user_totals/acme:1/events?api_key=" + key)).build(),
        HttpResponse.BodyHandlers.ofLines());
    try {
      assertEquals(200, sse.statusCode());
    } finally {
      sse.body().close();
    }
    // Both credentials at once: 400.
    HttpResponse<String> both = g.get(ROW, g.token("views:read"), "X-API-Key", key);
    GatewayFixture.assertProblem(both, 400, "bad-request");

    HttpResponse<String> list = admin("GET", gateways.get(0), "/admin/v1/keys", null);
    assertEquals(200, list.statusCode(), list.body());
    assertFalse(list.body().contains(key.substring(key.lastIndexOf('_') + 1)), list.body());
    assertFalse(list.body().contains("secretSha256"), list.body());
    JsonArray keys = GatewayFixture.json(list).getJsonArray("keys");
    JsonObject listed = keys.getJsonObject(0);
    assertEquals(created.getString("id"), listed.getString("id"), "newest first");
    assertEquals("acme", listed.getString("tenant"));
    assertTrue(listed.getString("expiresAt") != null);
    assertTrue(keys.stream().anyMatch(k -> "revoked".equals(((JsonObject) k).getString("state"))));

    GatewayFixture.assertProblem(admin("DELETE", gateways.get(0), "/admin/v1/keys/0000000000000000",
        null), 404, "not-found");
    GatewayFixture.assertProblem(admin("POST", gateways.get(0), "/admin/v1/keys",
        "{\"sub\":\"x\",\"scopes\":[]}"), 400, "bad-request");
    HttpResponse<String> notAdmin = gateways.get(0).send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + gateways.get(0).gateway.managementPort() + "/admin/v1/keys"))
        .header("X-API-Key", key).GET().build());
    GatewayFixture.assertProblem(notAdmin, 403, "forbidden");
  }

  @Test
  @Order(4)
  void wrongKeysCostRedisNothingAndAreLimitedPerClientAddress() {
    GatewayFixture g = gateways.get(1);
    long readsBefore = keyReads();
    // Wrong keys until the address is refused (its failures count in windows of 10 s).
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < ApiKeys.MAX_FAILURES_PER_ADDRESS + 5 && !statuses.contains(429); i++) {
      statuses.add(withKey(g, ROW, String.format("sgk_%016x_%s", i, "A".repeat(43))).statusCode());
    }
    // The earlier tests left failures here too: a revoked key asked once refused, and a new key
    // polled before this gateway knew it (a 401 each, more on a slow machine; CI once had 3).
    long unauthorized = statuses.stream().filter(s -> s == 401).count();
    assertTrue(unauthorized <= ApiKeys.MAX_FAILURES_PER_ADDRESS
        && unauthorized >= ApiKeys.MAX_FAILURES_PER_ADDRESS - 10, statuses.toString());
    assertEquals(429, statuses.get(statuses.size() - 1), statuses.toString());
    HttpResponse<String> limited = withKey(g, ROW, "sgk_0_x");
    GatewayFixture.assertProblem(limited, 429, "rate-limited");
    assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
    // Until the window ends the address's keys are not even checked.
    for (int i = 0; i < 50; i++) {
      statuses.add(withKey(g, ROW, String.format("sgk_%016x_%s", 1000 + i, "B".repeat(43)))
          .statusCode());
    }
    // The keys are mirrored: no lookup per wrong key. A lookup would cost at least one hash
    // read per checked key; what Redis did serve meanwhile are the periodic re-reads of the
    // three gateways' catalogs and streams (a few per 10 s).
    long reads = keyReads() - readsBefore;
    assertTrue(reads < unauthorized, "hash reads during " + statuses.size() + " wrong keys ("
        + unauthorized + " checked): " + reads);
    // Another gateway knows nothing of this address's failures.
    assertEquals(401, withKey(gateways.get(0), ROW, "sgk_0_x").statusCode());
  }

  /** HGET and HGETALL calls Redis has served (key records are read with either). */
  private static long keyReads() {
    String info = gateways.get(0).seeder().send(Request.cmd(Command.INFO).arg("commandstats"))
        .toString();
    long calls = 0;
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("cmdstat_hget:") || line.startsWith("cmdstat_hgetall:")) {
        String n = line.substring(line.indexOf("calls=") + 6);
        calls += Long.parseLong(n.substring(0, n.indexOf(',')));
      }
    }
    return calls;
  }

  private static JsonObject create(String body) {
    HttpResponse<String> response = admin("POST", gateways.get(0), "/admin/v1/keys", body);
    assertEquals(201, response.statusCode(), response.body());
    return GatewayFixture.json(response);
  }

  private static HttpResponse<String> withKey(GatewayFixture g, String path, String key) {
    return g.get(path, null, "X-API-Key", key);
  }

  private static HttpResponse<String> admin(String method, GatewayFixture g, String path,
      String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + g.gateway.managementPort() + path)).header("Authorization", "Bearer " + admin)
        .timeout(Duration.ofSeconds(10));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return g.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static JsonObject auditLine(String what, String id) {
    String line = Poll.until(Duration.ofSeconds(5), () -> {
      String text;
      synchronized (out) {
        text = out.toString(StandardCharsets.UTF_8);
      }
      Iterator<String> lines = text.lines().filter(l -> l.contains("\"what\":\"" + what + "\"")
          && l.contains("\"id\":\"" + id + "\"")).iterator();
      return lines.hasNext() ? lines.next() : null;
    }, l -> l != null, "audit line " + what + " " + id);
    return new JsonObject(line.substring(line.indexOf('{')));
  }

  private static final class Tee extends java.io.OutputStream {
    private final java.io.OutputStream first;
    private final java.io.OutputStream second;

    Tee(java.io.OutputStream first, java.io.OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      synchronized (second) {
        second.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      synchronized (second) {
        second.write(b, off, len);
      }
    }
  }
}
