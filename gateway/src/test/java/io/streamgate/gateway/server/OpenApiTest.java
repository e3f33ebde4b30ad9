package io.streamgate.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.json.Json;
import io.streamgate.gateway.http.Endpoint;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /openapi.json} is valid JSON, describes exactly the {@link Endpoint}s, which are the
 * only paths {@link GatewayRouter} routes (so adding a route without documenting it fails here), resolves every
 * {@code $ref}, and is served without a token.
 */
class OpenApiTest {
  static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  static Vertx vertx;
  static Router router;
  static Map<String, Object> doc;

  @BeforeAll
  static void build() {
    vertx = Vertx.vertx();
    // Only the router's shape is under test: the services are never called, except metrics.
    router = GatewayRouter.create(vertx, new GatewayRouter.Services(null, null, null, null, null,
        new GatewayMetrics(), false));
    doc = Json.parseObject(OpenApiHandler.document());
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void isOpenApi31WithABearerJwtScheme() {
    assertTrue(((String) doc.get("openapi")).startsWith("3.1."), "openapi " + doc.get("openapi"));
    Map<String, Object> scheme = at("#/components/securitySchemes/bearerJwt");
    assertEquals("http", scheme.get("type"));
    assertEquals("bearer", scheme.get("scheme"));
    assertEquals("JWT", scheme.get("bearerFormat"));
  }

  @Test
  void everyEndpointIsDocumentedWithItsMethodAndNothingElse() {
    Set<String> documented = new TreeSet<>();
    map(doc.get("paths")).forEach((path, item) -> map(item).keySet().stream()
        .filter(HTTP_METHODS::contains)
        .forEach(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path)));
    Set<String> endpoints = new TreeSet<>();
    for (Endpoint endpoint : Endpoint.values()) {
      endpoints.add(endpoint.method().name() + " " + endpoint.template());
    }
    assertEquals(endpoints, documented, "openapi.json must document exactly the endpoints");
  }

  @Test
  void routesMatchOnlyEndpointPathsOrPrefixesSoEveryRequestIsClassifiedOnce() {
    Set<String> templates = new TreeSet<>();
    for (Endpoint endpoint : Endpoint.values()) {
      templates.add(endpoint.template());
    }
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || !route.isExactPath()) {
        continue; // stages for every request, or a prefix (/v1/*, /v1/views/*)
      }
      assertFalse(path.contains(":"), path + ": a path template would bypass RequestPath;"
          + " add an Endpoint instead");
      assertTrue(templates.contains(path), path + " is routed but is no Endpoint");
    }
  }

  @Test
  void onlyTheV1AndAdminEndpointsNeedAToken() {
    map(doc.get("paths")).forEach((path, item) -> map(item).forEach((method, op) -> {
      Object security = map(op).get("security");
      if (path.startsWith("/v1/") || path.startsWith("/admin/")) {
        assertEquals(null, security, path + " must inherit the global bearer requirement");
        assertNotNull(map(map(op).get("responses")).get("401"), path + " documents 401");
        assertNotNull(map(map(op).get("responses")).get("429"), path + " documents 429");
      } else {
        assertEquals(List.of(), security, path + " is served without a token");
      }
    }));
    assertEquals(List.of(Map.of("bearerJwt", List.of()), Map.of("apiKey", List.of())),
        doc.get("security"));
  }

  @Test
  void everyRefResolves() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertFalse(refs.isEmpty());
    for (String ref : refs) {
      assertNotNull(at(ref), "unresolved $ref " + ref);
    }
  }

  @Test
  void isServedWithoutAToken() throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(router)
        .listen(0, "127.0.0.1").await();
    try {
      URI uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/openapi.json");
      // HTTP/1.1 and a hard bound: once, the JDK client's h2c upgrade hung past its own timeout.
      HttpResponse<String> response = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()
          .sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString())
          .get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(200, response.statusCode());
      assertEquals("application/json",
          response.headers().firstValue("content-type").orElse(""));
      assertEquals(doc, Json.parseObject(response.body()));
    } finally {
      server.close().await();
    }
  }

  private static void collectRefs(Object node, List<String> refs) {
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        if ("$ref".equals(k)) {
          refs.add((String) v);
        } else {
          collectRefs(v, refs);
        }
      });
    } else if (node instanceof List<?> l) {
      l.forEach(v -> collectRefs(v, refs));
    }
  }

  /** The object a local JSON pointer ({@code #/a/b}) names, or null. */
  private static Map<String, Object> at(String pointer) {
    assertTrue(pointer.startsWith("#/"), "only local refs: " + pointer);
    Object node = doc;
    for (String part : pointer.substring(2).split("/")) {
      node = node instanceof Map<?, ?> m ? m.get(part.replace("~1", "/").replace("~0", "~")) : null;
    }
    return map(node);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    return (Map<String, Object>) node;
  }
}
