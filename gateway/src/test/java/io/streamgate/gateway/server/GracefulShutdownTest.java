package io.streamgate.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Undeploying {@link HttpServerVerticle} (what {@code Gateway.close()} and SIGTERM do): the
 * port stops accepting at once, a request in flight still completes, and the grace period bounds
 * how long a slow one may take.
 */
class GracefulShutdownTest {
  static final long SLOW_MS = 1_500;
  Vertx vertx;
  final CountDownLatch received = new CountDownLatch(1);
  // HTTP/1.1: on shutdown Vert.x sends HTTP/2 connections a GOAWAY naming the streams it will
  // still finish (RFC 9113 §6.8), but JDK 17's client fails every open stream on any GOAWAY.
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void anInFlightRequestCompletesWhileNewConnectionsAreRefused() throws Exception {
    int port = deploy(10_000);
    CompletableFuture<HttpResponse<String>> slow = sendSlow(port);
    assertTrue(received.await(10, TimeUnit.SECONDS), "slow request never arrived");

    long start = System.nanoTime();
    Future<Void> undeployed = vertx.undeploy(deploymentId);
    // The listener closes at once, while the slow request is still being answered.
    Poll.until(Duration.ofSeconds(5), () -> refuses(port), refused -> refused,
        "new connections refused");
    assertFalse(slow.isDone(), () -> "the slow request must still be in flight: "
        + slow.handle((r, e) -> r == null ? String.valueOf(e) : r.statusCode() + " " + r.body())
            .join());
    assertFalse(undeployed.isComplete(), "shutdown must wait for the request in flight");

    HttpResponse<String> response = slow.get(10, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode());
    assertEquals("slow done", response.body());
    undeployed.await(10, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMs < 10_000, "shutdown took " + tookMs + " ms");
    assertTrue(refuses(port));
  }

  @Test
  void theGracePeriodBoundsASlowRequest() throws Exception {
    int port = deploy(200);
    CompletableFuture<HttpResponse<String>> slow = sendSlow(port);
    assertTrue(received.await(10, TimeUnit.SECONDS), "slow request never arrived");

    long start = System.nanoTime();
    vertx.undeploy(deploymentId).await(10, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMs < SLOW_MS, "shutdown waited " + tookMs + " ms despite a 200 ms grace");
    ExecutionException cut = assertThrows(ExecutionException.class,
        () -> slow.get(10, TimeUnit.SECONDS));
    assertTrue(cut.getCause() instanceof IOException, cut.toString());
  }

  String deploymentId;

  /** One server whose /slow answers after {@link #SLOW_MS} without blocking its event loop. */
  private int deploy(long graceMs) {
    HttpServerVerticle server = new HttpServerVerticle("127.0.0.1", 0, graceMs, null, v -> req -> {
      received.countDown();
      v.setTimer(SLOW_MS, id -> req.response().end("slow done"));
    });
    deploymentId = vertx.deployVerticle(server).await();
    return server.actualPort();
  }

  private CompletableFuture<HttpResponse<String>> sendSlow(int port) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static boolean refuses(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
