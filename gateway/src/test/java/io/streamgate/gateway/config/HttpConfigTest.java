package io.streamgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code http.cors} and {@code http.shutdownGraceMs}: parsing, defaults and one-line errors. */
class HttpConfigTest {
  @Test
  void corsIsOffAndGraceIsTenSecondsByDefault() {
    HttpConfig http = ConfigLoader.parse("", "gateway.yaml", Map.of()).http();
    assertFalse(http.cors().enabled());
    assertEquals(HttpConfig.DEFAULT_SHUTDOWN_GRACE_MS, http.shutdownGraceMs());
    assertEquals(10_000, HttpConfig.DEFAULT_SHUTDOWN_GRACE_MS);
  }

  @Test
  void corsAndGraceAreRead() {
    HttpConfig http = ConfigLoader.parse("""
        http:
          shutdownGraceMs: 2500
          cors:
            allowedOrigins: [https://app.example.com, "http://localhost:3000"]
            maxAgeSeconds: 60
        """, "gateway.yaml", Map.of()).http();
    assertEquals(new CorsConfig(List.of("https://app.example.com", "http://localhost:3000"), 60),
        http.cors());
    assertEquals(2500, http.shutdownGraceMs());
  }

  @Test
  void badValuesNameFileFieldAndValue() {
    assertError("gateway.yaml: http.cors.allowedOrigins[1] must be an origin like"
        + " https://app.example.com (scheme://host[:port], no path), or \"*\", but was"
        + " 'app.example.com/x'",
        "http:\n  cors:\n    allowedOrigins: [\"https://a.example\", app.example.com/x]\n");
    assertError("gateway.yaml: http.cors.allowedOrigins must be either [\"*\"] or a list of"
        + " origins, not both", "http:\n  cors:\n    allowedOrigins: [\"*\", \"https://a.b\"]\n");
    assertError("gateway.yaml: http.cors.allowedOrigins must be a list, but was '*'",
        "http:\n  cors:\n    allowedOrigins: \"*\"\n");
    assertError("gateway.yaml: http.cors.maxAgeSeconds must be 0-86400, but was -1",
        "http:\n  cors:\n    maxAgeSeconds: -1\n");
    assertError("gateway.yaml: http.cors.origins is not a known field; expected one of"
        + " [allowedOrigins, maxAgeSeconds]", "http:\n  cors:\n    origins: []\n");
    assertError("gateway.yaml: http.shutdownGraceMs must be 0-600000, but was 600001",
        "http:\n  shutdownGraceMs: 600001\n");
  }

  @Test
  void idleAndHeadTimeoutsAreReadAndMustOutlastHeartbeatsAndIngestWaits() {
    HttpConfig defaults = ConfigLoader.parse("", "gateway.yaml", Map.of()).http();
    assertEquals(60_000, defaults.idleTimeoutMs());
    assertEquals(10_000, defaults.headTimeoutMs());
    HttpConfig http = ConfigLoader.parse("http:\n  idleTimeoutMs: 90000\n  headTimeoutMs: 5000\n",
        "gateway.yaml", Map.of()).http();
    assertEquals(90_000, http.idleTimeoutMs());
    assertEquals(5_000, http.headTimeoutMs());
    assertError("gateway.yaml: http.headTimeoutMs must be 100-3600000, but was 0",
        "http:\n  headTimeoutMs: 0\n");
    assertError("gateway.yaml: http.idleTimeoutMs must be longer than push.heartbeatMs (25000),"
        + " or push and GraphQL subscription connections are cut between heartbeats, but was 20000",
        "http:\n  idleTimeoutMs: 20000\n");
    assertError("gateway.yaml: http.idleTimeoutMs must be longer than ingest.timeoutMs (30000),"
        + " or a request waiting for Kafka is cut, but was 26000",
        "http:\n  idleTimeoutMs: 26000\ningest:\n  timeoutMs: 30000\n");
  }

  @Test
  void aRequiredTokenTypeIsNormalized() {
    assertEquals(null, ConfigLoader.parse("", "gateway.yaml", Map.of()).auth().requiredType());
    assertEquals("at+jwt", ConfigLoader.parse("auth:\n  requiredType: application/AT+JWT\n",
        "gateway.yaml", Map.of()).auth().requiredType());
    assertError("gateway.yaml: auth.requiredType must be a media type such as at+jwt, but was"
        + " 'at jwt'", "auth:\n  requiredType: at jwt\n");
  }

  private static void assertError(String expected, String yaml) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(yaml, "gateway.yaml", Map.of()));
    assertEquals(expected, e.getMessage());
  }
}
