package io.streamgate.cli.demo;

import io.streamgate.cli.demo.ClusterIT.Order;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Steady event ingest through a gateway, one event per request with a unique order id, a few
 * requests in flight: remembers what was sent, what was answered 202, what got an error (by kind)
 * and what got no answer before the client's timeout (a hang: the gateway promises an answer,
 * 503 at worst, within its ingest timeout).
 */
final class IngestLoad {
  private static final int IN_FLIGHT = 8;
  private static final long PAUSE_MILLIS = 5;
  /** Well past the gateway's ingest timeout (5 s): an answer later than this is a hang. */
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);

  private final URI uri;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
  private final Map<String, Order> sent = new ConcurrentHashMap<>();
  private final Map<String, Order> acked = new ConcurrentHashMap<>();
  private final Map<String, String> failed = new ConcurrentHashMap<>();
  private final List<String> hung = new CopyOnWriteArrayList<>();
  private final List<String> users = ClusterIT.users();
  private volatile boolean running;
  private Thread sender;

  IngestLoad(URI base, String token) {
    this.uri = base.resolve("/v1/events/" + DemoSettings.ORDERS_TOPIC);
    this.token = token;
  }

  void start() {
    running = true;
    sender = new Thread(this::run, "ingest-load");
    sender.start();
  }

  /** Stops sending and waits for every answer (or timeout). */
  void stop() throws InterruptedException {
    running = false;
    sender.join();
    inFlight.acquire(IN_FLIGHT);
    inFlight.release(IN_FLIGHT);
  }

  Map<String, Order> sent() {
    return sent;
  }

  Map<String, Order> acked() {
    return acked;
  }

  /** Order id → what the failed request got (status or exception). */
  Map<String, String> failed() {
    return failed;
  }

  List<String> hung() {
    return hung;
  }

  Map<String, Long> failuresByKind() {
    return failed.values().stream().collect(Collectors.groupingBy(kind -> kind, TreeMap::new, Collectors.counting()));
  }

  private void run() {
    long seq = 0;
    while (running) {
      try {
        inFlight.acquire();
        Order order = new Order("o-" + seq, users.get((int) (seq % users.size())), 1 + seq % 9);
        seq++;
        sent.put(order.orderId(), order);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(CLIENT_TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(order.json(Instant.now())))
            .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
          try {
            if (error != null) {
              Throwable cause = error.getCause() != null ? error.getCause() : error;
              if (cause instanceof HttpTimeoutException) {
                hung.add(order.orderId());
              }
              failed.put(order.orderId(), cause.getClass().getSimpleName() + ": " + cause.getMessage());
            } else if (response.statusCode() == 202) {
              acked.put(order.orderId(), order);
            } else {
              failed.put(order.orderId(), Integer.toString(response.statusCode()));
            }
          } finally {
            inFlight.release();
          }
        });
        TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
