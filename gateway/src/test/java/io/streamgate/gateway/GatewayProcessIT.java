package io.streamgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.harness.FreePorts;
import io.streamgate.harness.ManagedProcess;
import io.streamgate.harness.Modules;
import io.streamgate.harness.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.redis.client.Redis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real entry point as its own process, configured like the demo: file plus env overrides. */
class GatewayProcessIT {
  @TempDir Path dir;

  @Test
  void runsFromTheDemoConfigWithEnvOverridesAndShutsDownOnSigterm() throws Exception {
    String secret = "process-test-secret-process-test-secret";
    Path secretFile = dir.resolve("jwt.secret");
    Files.writeString(secretFile, secret + "\n");
    int port = FreePorts.find();
    Path log = dir.resolve("gateway.log");
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.start()) {
      GatewayFixture.Seeder seed =
          new GatewayFixture.Seeder(Redis.createClient(vertx, redis.uri()), new Keyspace("proc"));
      seed.register("user_totals", "orders");
      Row row = new Row("user_totals", "u1", 4, 10, "{\"orders\":4}");
      seed.write(row);

      Path config = Modules.root().resolve("deploy/local/gateway.yaml");
      try (ManagedProcess gateway = ManagedProcess.startJava("gateway", "gateway",
          List.of("-Xmx256m"), GatewayMain.class.getName(), List.of("--config", config.toString()),
          Map.of("STREAMGATE_HTTP_PORT", Integer.toString(port),
              "STREAMGATE_MANAGEMENT_PORT", Integer.toString(FreePorts.find()),
              "STREAMGATE_REDIS_URL", redis.uri(),
              "STREAMGATE_NAMESPACE", "proc",
              "STREAMGATE_JWT_SECRET_FILE", secretFile.toString()),
          log)) {
        // The view count in the ready line depends on whether the first catalog read beat the
        // listen; the row read below waits for the catalog instead.
        String ready = "gateway ready on http://0.0.0.0:" + port + " (redis " + redis.uri() + ", ";
        Poll.until(Duration.ofSeconds(30), () -> read(log), text -> text.contains(ready)
            || !gateway.isAlive(), "ready line");
        assertTrue(gateway.isAlive(), gateway.tail(40));

        String token = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(
                new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)))
            .generateToken(new JsonObject().put("scope", "views:read"), new JWTOptions()
                .setIssuer("streamgate").setAudience(List.of("streamgate")).setExpiresInMinutes(1));
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/views/user_totals/u1"))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = Poll.until(Duration.ofSeconds(30),
            () -> send(request),
            r -> r.statusCode() != 503, "catalog loaded");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(row.toJson(), response.body());

        gateway.stop(Duration.ofSeconds(15));
        assertFalse(gateway.isAlive());
        assertTrue(read(log).contains("shutting down"), gateway.tail(20));
      }
    } finally {
      vertx.close().await();
    }
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
