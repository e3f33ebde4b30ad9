package io.streamgate.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.ConfigLoader;
import io.streamgate.gateway.config.TlsConfig;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with {@code http.tls}: a self-signed certificate made by {@code openssl} in the test,
 * served through the gateway's router, trusted by a JDK client that trusts only it.
 */
class TlsTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static TlsConfig tls;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048",
        "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout", key.toString(), "-out", cert.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
    assertEquals(0, openssl.exitValue(), Files.readString(dir.resolve("openssl.log")));
    tls = ConfigLoader.parse("http:\n  tls:\n    certFile: " + cert + "\n    keyFile: " + key
        + "\n", "gateway.yaml", Map.of()).http().tls();
    vertx = Vertx.vertx();
    HttpServerVerticle server = new HttpServerVerticle("127.0.0.1", 0,
        new GatewayRouter.Services(null, null, null, null, null, new GatewayMetrics(), false),
        1_000, tls, 8192);
    vertx.deployVerticle(server).await();
    port = server.actualPort();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void servesHttpsWithTheConfiguredCertificate() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trusting(tls.certFile())).build();
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + port + "/health/live"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertEquals("{\"status\":\"UP\"}", response.body());
  }

  @Test
  void plainHttpIsNotServedOnTheTlsPort() {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThrows(IOException.class, () -> client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/health/live"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void aMissingFileOrHalfAConfigIsOneLineAtStartup() {
    ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        "http:\n  tls:\n    certFile: /nonexistent/cert.pem\n    keyFile: " + tls.keyFile()
            + "\n", "gateway.yaml", Map.of()));
    assertEquals("gateway.yaml: http.tls.certFile must be a readable PEM file, but"
        + " '/nonexistent/cert.pem' does not exist or cannot be read", missing.getMessage());
    ConfigException half = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        "http:\n  tls:\n    certFile: " + tls.certFile() + "\n", "gateway.yaml", Map.of()));
    assertEquals("gateway.yaml: http.tls.keyFile is required when tls is configured (give both"
        + " certFile and keyFile, or drop tls)", half.getMessage());
  }

  private static SSLContext trusting(Path certFile) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certFile)) {
      trust.setCertificateEntry("gateway",
          CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
