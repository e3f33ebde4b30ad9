package io.streamgate.loadtest.bench.chaos;

import io.streamgate.loadtest.bench.load.WsSubscriber;
import io.streamgate.loadtest.bench.measure.Measurements;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients of a chaos run, each on its own thread: ingest (unique order ids, round robin over
 * the gateways, a few requests in flight), reads of the run's users, a freshness probe (an event,
 * then reads until it is counted) and WebSocket subscribers that reconnect and resubscribe when
 * their socket closes. Everything they are told goes to the {@link Ledger}.
 */
public final class ChaosClients {
  /** Well past the gateway's own timeouts (ingest 5 s): an answer later than this is a hang. */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);
  private static final int INGEST_IN_FLIGHT = 16;
  private static final String VIEW = "user_totals";

  /** One freshness sample: when the probe event was sent and how long until a read counted it. */
  public record Freshness(Instant sentAt, long lagMs) {}

  private final List<URI> gateways;
  private final String token;
  /** Subscriber i's token: several subjects, since a gateway limits sockets per subject. */
  private final java.util.function.IntFunction<String> wsToken;
  private final String prefix;
  private final List<String> users;
  private final Ledger ledger;
  private final Measurements measurements;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final Semaphore inFlight = new Semaphore(INGEST_IN_FLIGHT);
  private final AtomicLong seq = new AtomicLong();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<Freshness> freshness = new CopyOnWriteArrayList<>();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger subscribed = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean running = true;
  // Subscribers stay (and reconnect) after the load stops, until the final values are compared.
  private volatile boolean subscribing = true;

  public ChaosClients(List<URI> gateways, String token, java.util.function.IntFunction<String> wsToken,
      String prefix, int users, Ledger ledger,
      Measurements measurements) {
    this.gateways = List.copyOf(gateways);
    this.token = token;
    this.wsToken = wsToken;
    this.prefix = prefix;
    this.users = java.util.stream.IntStream.range(0, users).mapToObj(i -> prefix + "u-" + i).toList();
    this.ledger = ledger;
    this.measurements = measurements;
  }

  /** The run's users (keys of {@code user_totals}), the probe's included. */
  /**
   * Keys each WebSocket client follows: all users and the probe (chaos: each client must end with
   * every final value), or a window of them (soak: a thousand dashboards of a few keys each, not a
   * thousand copies of every change).
   */
  private int keysPerSubscriber = Integer.MAX_VALUE;

  public ChaosClients keysPerSubscriber(int keys) {
    this.keysPerSubscriber = keys;
    return this;
  }

  /** Users at most: with the probe's, one subscription's bound ({@code push.maxKeysPerSubscription}). */
  public static final int MAX_USERS = WsSubscriber.MAX_KEYS_PER_SUBSCRIBE - 1;

  public List<String> users() {
    java.util.ArrayList<String> all = new java.util.ArrayList<>(users);
    all.add(probeUser());
    return all;
  }

  public List<Freshness> freshness() {
    return freshness;
  }

  public void start(double eventsPerSecond, double readsPerSecond, int subscriberCount) {
    start(eventsPerSecond, readsPerSecond, subscriberCount, 0);
  }

  /**
   * @param connectsPerSecond WebSocket clients connect at this pace (dashboards opening over a few
   *     seconds), or all at once when 0 (a herd, as after a gateway restart)
   */
  public void start(double eventsPerSecond, double readsPerSecond, int subscriberCount,
      double connectsPerSecond) {
    spawn("chaos-ingest", () -> paced(eventsPerSecond, this::sendEvent));
    if (readsPerSecond > 0) {
      spawn("chaos-reads", () -> paced(readsPerSecond, this::readOne));
    }
    spawn("chaos-freshness", this::probeLoop);
    for (int i = 0; i < subscriberCount; i++) {
      Subscriber s = new Subscriber(gateways.get(i % gateways.size()), "ws-" + i, wsToken.apply(i),
          keysOf(i));
      subscribers.add(s);
    }
    if (connectsPerSecond <= 0) {
      subscribers.forEach(Subscriber::connect);
    } else {
      long intervalNanos = (long) (1e9 / connectsPerSecond);
      spawn("chaos-connects", () -> {
        for (Subscriber s : subscribers) {
          if (!running) {
            return;
          }
          s.connect();
          java.util.concurrent.locks.LockSupport.parkNanos(intervalNanos);
        }
      });
    }
  }

  /** Subscribers whose first subscription the gateway confirmed (later resubscriptions do not count). */
  public int subscribed() {
    return subscribed.get();
  }

  /** Stops sending, waits for the answers in flight; subscribers stay connected until {@link #close()}. */
  public void stopLoad() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(CLIENT_TIMEOUT.toMillis() * 5);
    }
    inFlight.acquire(INGEST_IN_FLIGHT);
    inFlight.release(INGEST_IN_FLIGHT);
  }

  /** The keys subscriber {@code i} follows: every user's, or a window starting at its own. */
  private List<String> keysOf(int i) {
    List<String> all = users();
    if (keysPerSubscriber >= all.size()) {
      return all;
    }
    List<String> window = new java.util.ArrayList<>();
    for (int k = 0; k < keysPerSubscriber; k++) {
      window.add(all.get((i + k) % all.size()));
    }
    return window;
  }

  /** Keys whose last pushed value differs from {@code finalRows} (key → JSON value), per subscriber. */
  public Map<String, List<String>> pushMismatches(Map<String, JsonObject> finalRows) {
    Map<String, List<String>> mismatches = new java.util.TreeMap<>();
    for (Subscriber s : subscribers) {
      List<String> wrong = finalRows.entrySet().stream()
          .filter(e -> s.keys.contains(e.getKey()) && !e.getValue().equals(s.values.get(e.getKey())))
          .map(Map.Entry::getKey).toList();
      if (!wrong.isEmpty()) {
        mismatches.put(s.name, wrong);
      }
    }
    return mismatches;
  }

  public int reconnects() {
    return subscribers.stream().mapToInt(s -> s.reconnects).sum();
  }

  public void close() {
    running = false;
    subscribing = false;
    subscribers.forEach(Subscriber::close);
  }

  /** The current row value of every user on gateway 0; empty entries for users without a row. */
  public Map<String, JsonObject> rows() {
    Map<String, JsonObject> rows = new java.util.TreeMap<>();
    List<String> keys = users();
    for (int from = 0; from < keys.size(); from += 100) {
      String batch = String.join(",", keys.subList(from, Math.min(keys.size(), from + 100)));
      Optional<JsonObject> body = get(gateways.get(0), "/v1/views/" + VIEW + "?keys=" + batch);
      body.ifPresent(b -> b.getJsonArray("rows").forEach(row -> {
        JsonObject r = (JsonObject) row;
        rows.put(r.getString("key"), r.getJsonObject("value"));
      }));
    }
    return rows;
  }

  private String probeUser() {
    return prefix + "probe";
  }

  private void spawn(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void paced(double perSecond, Runnable action) {
    long intervalNanos = (long) (1e9 / perSecond);
    long next = System.nanoTime();
    while (running) {
      action.run();
      next += intervalNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          return;
        }
      } else if (-wait > 1_000_000_000L) {
        next = System.nanoTime(); // fell a second behind (a hang): do not burst to catch up
      }
    }
  }

  private Ledger.Event nextEvent(String user) {
    long n = seq.getAndIncrement();
    return new Ledger.Event(prefix + n, user, 1 + n % 9);
  }

  private void sendEvent() {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Ledger.Event event = nextEvent(users.get((int) (seq.get() % users.size())));
    long start = System.nanoTime();
    post(event, (int) (seq.get() % gateways.size())).whenComplete((status, error) -> {
      inFlight.release();
      if (status != null && status == 202) {
        measurements.recordLatencyNanos(System.nanoTime() - start);
      }
    });
  }

  /** Posts {@code event}; the future has the status (null after a connection failure). */
  private java.util.concurrent.CompletableFuture<Integer> post(Ledger.Event event, int gateway) {
    ledger.sent(event);
    String body = new JsonObject().put("orderId", event.orderId()).put("userId", event.userId())
        .put("productId", "p-" + event.amount()).put("amount", event.amount()).put("status", "created")
        .put("ts", Instant.now().toString()).encode();
    HttpRequest request = HttpRequest.newBuilder(gateways.get(gateway).resolve("/v1/events/orders"))
        .timeout(CLIENT_TIMEOUT)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
      if (error != null) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
          ledger.hung(event);
          measurements.recordError("timeout");
        } else {
          ledger.failed(event, "connect");
          measurements.recordError("connect");
        }
        return null;
      }
      if (response.statusCode() == 202) {
        ledger.acked(event);
      } else {
        ledger.failed(event, "http_" + response.statusCode());
        measurements.recordError("http_" + response.statusCode());
      }
      return response.statusCode();
    });
  }

  private void readOne() {
    long n = seq.get();
    String user = users.get((int) (n * 7 % users.size()));
    get(gateways.get((int) (n % gateways.size())), "/v1/views/" + VIEW + "/" + user);
  }

  /** A GET; the body of a 200 (404: a row not written yet counts as an answer, empty). */
  private Optional<JsonObject> get(URI gateway, String path) {
    HttpRequest request = HttpRequest.newBuilder(gateway.resolve(path)).timeout(CLIENT_TIMEOUT)
        .header("Authorization", "Bearer " + token).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        return Optional.of(new JsonObject(response.body()));
      }
      if (response.statusCode() != 404) {
        ledger.error("read_http_" + response.statusCode());
      }
    } catch (HttpTimeoutException e) {
      ledger.error("read_timeout");
    } catch (IOException e) {
      ledger.error("read_connect");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }

  private void probeLoop() {
    long acked = 0;
    int gateway = 0;
    while (running) {
      Ledger.Event event = nextEvent(probeUser());
      Instant sentAt = Instant.now();
      Integer status = post(event, gateway).join();
      gateway = (gateway + 1) % gateways.size();
      if (status == null || status != 202) {
        pause(500);
        continue;
      }
      acked++;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (running && System.nanoTime() < deadline) {
        Optional<JsonObject> row = get(gateways.get(gateway), "/v1/views/" + VIEW + "/" + probeUser());
        if (row.isPresent() && row.get().getJsonObject("value").getLong("orders", 0L) >= acked) {
          freshness.add(new Freshness(sentAt, Duration.between(sentAt, Instant.now()).toMillis()));
          break;
        }
        pause(100);
      }
      pause(500);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A WebSocket client of one gateway, subscribed to every user; reconnects when closed. */
  private final class Subscriber implements WebSocket.Listener {
    final URI gateway;
    final String name;
    final String token;
    final List<String> keys;
    final Map<String, JsonObject> values = new ConcurrentHashMap<>();
    final Map<String, Long> versions = new ConcurrentHashMap<>();
    volatile WebSocket socket;
    volatile int reconnects;
    private boolean confirmed;
    private final StringBuilder partial = new StringBuilder();

    Subscriber(URI gateway, String name, String token, List<String> keys) {
      this.gateway = gateway;
      this.name = name;
      this.token = token;
      this.keys = keys;
    }

    void connect() {
      URI ws = URI.create("ws://" + gateway.getHost() + ":" + gateway.getPort() + "/v1/ws?access_token="
          + URLEncoder.encode(token, StandardCharsets.UTF_8));
      http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(ws, this)
          .whenComplete((socket, error) -> {
            if (error != null) {
              ledger.error("ws_connect");
              retry();
            } else {
              this.socket = socket;
              subscribe(socket);
            }
          });
    }

    /**
     * Subscribes to every user, resuming from the versions this client holds (docs/push.md):
     * the gateway sends only rows newer than those, as a client that reconnects should ask.
     */
    void subscribe(WebSocket socket) {
      JsonObject message = new JsonObject(WsSubscriber.subscribeMessage("s", VIEW, keys));
      if (!versions.isEmpty()) {
        JsonObject held = new JsonObject();
        versions.forEach(held::put);
        message.put("versions", held);
      }
      socket.sendText(message.encode(), true);
    }

    void retry() {
      if (!subscribing) {
        return;
      }
      reconnects++;
      java.util.concurrent.CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(this::connect);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject message = new JsonObject(partial.toString());
        partial.setLength(0);
        String type = message.getString("type");
        if (("snapshot".equals(type) || "update".equals(type)) && message.getString("key") != null) {
          String key = message.getString("key");
          long version = message.getLong("version", 0L);
          // Versions only grow per key: an older one (a late duplicate) must not win.
          if (version >= versions.getOrDefault(key, -1L)) {
            versions.put(key, version);
            values.put(key, message.getJsonObject("value"));
          }
        } else if ("subscribed".equals(type) && !confirmed) {
          confirmed = true;
          subscribed.incrementAndGet();
        } else if ("error".equals(type)) {
          ledger.error("ws_error_" + message.getString("code", "unknown"));
          if ("unavailable".equals(message.getString("code"))) {
            // The subscription does not exist (Redis or the catalog was not readable): ask again
            // later on the same socket, as docs/push.md tells clients to.
            java.util.concurrent.CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> {
              if (subscribing && socket == webSocket) {
                subscribe(webSocket);
              }
            });
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      if (subscribing) {
        ledger.error("ws_close_" + statusCode);
      }
      retry();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      if (subscribing) {
        ledger.error("ws_io");
      }
      retry();
    }

    void close() {
      WebSocket s = socket;
      if (s != null) {
        s.abort();
      }
    }
  }
}
