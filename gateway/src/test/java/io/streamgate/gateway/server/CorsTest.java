package io.streamgate.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.config.CorsConfig;
import io.streamgate.gateway.http.ProblemHandler;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CORS over real HTTP through the gateway's router: preflights answered before the token check,
 * simple requests get the allow/expose headers, other origins are refused, and nothing changes
 * when CORS is off. No Redis: only routes that do not reach the store are called.
 */
class CorsTest {
  static final String APP = "https://app.example.com";
  static Vertx vertx;
  static int anyOrigin;
  static int oneOrigin;
  static int off;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    anyOrigin = serve(new CorsConfig(List.of("*"), 600));
    oneOrigin = serve(new CorsConfig(List.of(APP), 120));
    off = serve(CorsConfig.off());
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void aPreflightIsAnsweredWithoutATokenAndAllowsGetWithAuthorization() throws Exception {
    HttpResponse<String> response = send(oneOrigin, HttpRequest.newBuilder(
            uri(oneOrigin, "/v1/views/orders/42"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", APP)
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization, if-none-match"));
    assertTrue(response.statusCode() == 204 || response.statusCode() == 200,
        "status " + response.statusCode() + " " + response.body());
    assertEquals(Optional.of(APP), header(response, "Access-Control-Allow-Origin"));
    assertTrue(header(response, "Access-Control-Allow-Methods").orElse("").contains("GET"));
    String allowed = header(response, "Access-Control-Allow-Headers").orElse("")
        .toLowerCase(Locale.ROOT);
    assertTrue(allowed.contains("authorization") && allowed.contains("if-none-match"), allowed);
    assertEquals(Optional.of("120"), header(response, "Access-Control-Max-Age"));
    assertEquals(Optional.empty(), header(response, "Access-Control-Allow-Credentials"));
  }

  @Test
  void aSimpleRequestFromAnyOriginCanReadTheResponseAndItsHeaders() throws Exception {
    HttpResponse<String> response = send(anyOrigin, HttpRequest.newBuilder(
        uri(anyOrigin, "/health/live")).header("Origin", "https://elsewhere.example"));
    assertEquals(200, response.statusCode());
    assertEquals(Optional.of("*"), header(response, "Access-Control-Allow-Origin"));
    String exposed = header(response, "Access-Control-Expose-Headers").orElse("")
        .toLowerCase(Locale.ROOT);
    for (String name : List.of("etag", "ratelimit-remaining", "retry-after", "x-request-id")) {
      assertTrue(exposed.contains(name), name + " not exposed: " + exposed);
    }
  }

  @Test
  void aRefusedTokenIsStillReadableCrossOrigin() throws Exception {
    HttpResponse<String> response = send(oneOrigin, HttpRequest.newBuilder(
        uri(oneOrigin, "/v1/views")).header("Origin", APP));
    assertEquals(401, response.statusCode());
    assertEquals(Optional.of(APP), header(response, "Access-Control-Allow-Origin"));
  }

  @Test
  void anOriginNotListedGetsNoAllowHeader() throws Exception {
    HttpResponse<String> response = send(oneOrigin, HttpRequest.newBuilder(
        uri(oneOrigin, "/health/live")).header("Origin", "https://evil.example"));
    assertEquals(Optional.empty(), header(response, "Access-Control-Allow-Origin"));
    assertEquals(403, response.statusCode(), response.body());
    assertEquals(Optional.of(ProblemHandler.CONTENT_TYPE), header(response, "Content-Type"));
  }

  @Test
  void whenOffNoCorsHeadersAreSent() throws Exception {
    HttpResponse<String> response = send(off, HttpRequest.newBuilder(uri(off, "/health/live"))
        .header("Origin", APP));
    assertEquals(200, response.statusCode());
    assertEquals(Optional.empty(), header(response, "Access-Control-Allow-Origin"));
  }

  private static int serve(CorsConfig cors) {
    HttpServer server = vertx.createHttpServer()
        .requestHandler(GatewayRouter.create(vertx, new GatewayRouter.Services(null, null, null,
            null, null, new GatewayMetrics(), false, cors)))
        .listen(0, "127.0.0.1").await();
    return server.actualPort();
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private HttpResponse<String> send(int port, HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Optional<String> header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name);
  }
}
