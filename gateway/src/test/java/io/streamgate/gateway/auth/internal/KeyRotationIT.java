package io.streamgate.gateway.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Row;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.config.AuthConfig;
import io.streamgate.gateway.config.JwksConfig;
import io.streamgate.gateway.push.Push;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWKS rotation against a real gateway: when a kid leaves the identity provider's JWKS, the
 * tokens it signed are no longer served from the verified-token cache and open WebSockets
 * authenticated with it close with 4401 "signing key revoked", within one refresh interval.
 */
class KeyRotationIT {
  private static final String IDP = "https://idp.example";
  private static final int REFRESH_SECONDS = 10;

  @TempDir static Path tempDir;
  static Vertx vertx;
  static HttpServer idp;
  static final AtomicReference<String> published = new AtomicReference<>();
  static KeyPair r1;
  static KeyPair r2;
  static GatewayFixture fx;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    r1 = JdkJwt.rsa();
    r2 = JdkJwt.rsa();
    publish(JwksTest.jwk("r1", r1), JwksTest.jwk("r2", r2));
    idp = vertx.createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "application/json")
            .end(published.get()))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    URI url = URI.create("http://127.0.0.1:" + idp.actualPort() + "/jwks.json");
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register("user_totals", "orders");
      seed.write(new Row("user_totals", "u1", 1, 1, "{\"orders\":1}"));
    }, c -> c.withAuth(new AuthConfig(c.auth().issuer(), c.auth().audience(), 5,
        c.auth().keys(), 8192, List.of(new JwksConfig(url, IDP, REFRESH_SECONDS, 1, 5_000)))));
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
    vertx.close();
  }

  static void publish(JsonObject... keys) {
    published.set(new JsonObject().put("keys", new JsonArray(List.of((Object[]) keys))).encode());
  }

  static String token(String kid, KeyPair key, String subject) throws Exception {
    return JdkJwt.rs256(kid, new JsonObject().put("sub", subject).put("iss", IDP)
        .put("aud", "streamgate").put("exp", System.currentTimeMillis() / 1000 + 300)
        .put("scope", "views:read"), key.getPrivate());
  }

  @Test
  void aKeyLeavingTheJwksDropsItsCachedTokensAndClosesItsSockets() throws Exception {
    String byR1 = token("r1", r1, "alice");
    String byR2 = token("r2", r2, "bob");
    assertEquals(200, fx.get("/v1/views/user_totals/u1", byR1).statusCode());
    assertEquals(200, fx.get("/v1/views/user_totals/u1", byR1).statusCode(), "now cached");
    CompletableFuture<String> r1Closed = new CompletableFuture<>();
    CompletableFuture<String> r2Closed = new CompletableFuture<>();
    WebSocket ws1 = connect(byR1, r1Closed);
    WebSocket ws2 = connect(byR2, r2Closed);

    publish(JwksTest.jwk("r2", r2));
    long removedAt = System.nanoTime();
    String close = r1Closed.get(REFRESH_SECONDS + 5, TimeUnit.SECONDS);
    long tookMs = (System.nanoTime() - removedAt) / 1_000_000;
    assertEquals(Push.CLOSE_KEY_REVOKED + " signing key revoked", close);
    assertTrue(tookMs <= REFRESH_SECONDS * 1000L + 2_000, "closed after " + tookMs + " ms");

    GatewayFixture.assertProblem(fx.get("/v1/views/user_totals/u1", byR1), 401, "unauthorized");
    assertEquals(200, fx.get("/v1/views/user_totals/u1", byR2).statusCode());
    assertTrue(!r2Closed.isDone() && !ws2.isInputClosed(), "the other key's socket stays");
    ws2.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    ws1.abort();
  }

  private static WebSocket connect(String token, CompletableFuture<String> closed)
      throws Exception {
    return HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .buildAsync(URI.create("ws://127.0.0.1:" + fx.gateway.port() + "/v1/ws"),
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                closed.complete(code + " " + reason);
                return null;
              }

              @Override
              public void onError(WebSocket ws, Throwable error) {
                closed.completeExceptionally(error);
              }
            })
        .get(10, TimeUnit.SECONDS);
  }
}
