package io.streamgate.loadtest.bench;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.loadtest.bench.load.RowWriter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * A tiny server speaking the documented protocols, for testing the tool's own mechanics where
 * the gateway side is not built yet: {@code /v1/ws} (subscribe → snapshot, then an update for
 * every change message Redis publishes on the watched views), {@code POST /v1/events/{stream}}
 * (202; for events of stream {@value #FRESH_STREAM} it writes the order's row to view
 * {@code order_status} 20 ms later, as the processor would), and {@code GET /v1/views/...} admitting the first {@code limit}
 * requests over every port it listens on, then 429 with Retry-After. Not a model of the gateway.
 */
final class ProtocolServer implements AutoCloseable {
  static final long PROCESSING_DELAY_MS = 20;
  static final String FRESH_STREAM = "fresh_orders";

  private record Subscription(ServerWebSocket socket, String id, String view, Set<String> keys) {}

  private final Vertx vertx = Vertx.vertx();
  private final String token;
  private final RowWriter writer;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicLong events = new AtomicLong();
  final AtomicLong written = new AtomicLong();
  final AtomicLong forwarded = new AtomicLong();
  final AtomicLong published = new AtomicLong();
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicLong versions = new AtomicLong(System.currentTimeMillis() * 1000);
  private final int limit;
  private final Jedis subscriber;
  private final JedisPubSub pubSub;
  private final Thread listener;

  ProtocolServer(String redisUri, String namespace, String token, int limit, List<String> views) {
    this.token = token;
    this.limit = limit;
    this.writer = new RowWriter(redisUri, namespace);
    this.subscriber = new Jedis(java.net.URI.create(redisUri));
    this.pubSub = new JedisPubSub() {
      @Override
      public void onMessage(String channel, String message) {
        published.incrementAndGet();
        forward(new JsonObject(message));
      }
    };
    Keyspace keyspace = new Keyspace(namespace);
    String[] channels = views.stream().map(keyspace::changeChannel).toArray(String[]::new);
    this.listener = new Thread(() -> subscriber.subscribe(pubSub, channels), "protocol-server-redis");
    listener.setDaemon(true);
    listener.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pubSub.getSubscribedChannels() < channels.length && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  /** Listens on a new port; every port shares the same state. */
  int listen() {
    HttpServer server = vertx.createHttpServer()
        .webSocketHandler(this::webSocket)
        .requestHandler(this::request);
    return server.listen(0, "127.0.0.1").await().actualPort();
  }

  long events() {
    return events.get();
  }

  private void webSocket(ServerWebSocket ws) {
    if (!ws.uri().contains("access_token=" + token)) {
      ws.close((short) 1008, "no token");
      return;
    }
    ws.textMessageHandler(text -> {
      JsonObject m = new JsonObject(text);
      if (!"subscribe".equals(m.getString("op"))) {
        ws.writeTextMessage(new JsonObject().put("type", "error").put("detail", "unknown op").encode());
        return;
      }
      Set<String> keys = Set.copyOf(m.getJsonArray("keys").getList());
      subscriptions.add(new Subscription(ws, m.getString("id"), m.getString("view"), keys));
      for (String key : keys) {
        ws.writeTextMessage(new JsonObject().put("type", "snapshot").put("id", m.getString("id"))
            .put("view", m.getString("view")).put("key", key).putNull("value").encode());
      }
      ws.writeTextMessage(new JsonObject().put("type", "subscribed").put("id", m.getString("id"))
          .put("view", m.getString("view")).put("snapshots", keys.size()).encode());
    });
    ws.closeHandler(v -> subscriptions.removeIf(s -> s.socket() == ws));
  }

  private void forward(JsonObject row) {
    for (Subscription s : subscriptions) {
      if (s.view().equals(row.getString("view")) && s.keys().contains(row.getString("key"))) {
        forwarded.incrementAndGet();
        s.socket().writeTextMessage(row.copy().put("type", "update").put("id", s.id()).encode());
      }
    }
  }

  private void request(HttpServerRequest request) {
    if (!("Bearer " + token).equals(request.getHeader("Authorization"))) {
      request.response().setStatusCode(401).end();
      return;
    }
    if (request.path().startsWith("/v1/events/")) {
      request.body().onSuccess(body -> {
        String text = body.toString().strip();
        List<JsonObject> batch = new java.util.ArrayList<>();
        if (text.startsWith("[")) {
          JsonArray array = new JsonArray(text);
          for (int i = 0; i < array.size(); i++) {
            batch.add(array.getJsonObject(i));
          }
        } else {
          batch.add(new JsonObject(text));
        }
        events.addAndGet(batch.size());
        request.response().setStatusCode(202).end();
        // Only the freshness stream becomes rows: ingest's thousands of events would queue ahead.
        for (JsonObject event : request.path().equals("/v1/events/" + FRESH_STREAM) ? batch : List.<JsonObject>of()) {
          String orderId = event.getString("orderId");
          String userId = event.getString("userId");
          // A latest view keyed by order and an aggregate keyed by user, as the demo's processor writes.
          vertx.setTimer(PROCESSING_DELAY_MS, t -> vertx.executeBlocking(() -> written.incrementAndGet() > 0
                  && writer.write(new Row("order_status", orderId, versions.incrementAndGet(), System.currentTimeMillis(),
                      new JsonObject().put("status", event.getString("status")).encode()))
                  && writer.write(new Row("user_totals", userId, versions.incrementAndGet(), System.currentTimeMillis(),
                      new JsonObject().put("orders", 1).encode())), false)
              .onFailure(error -> System.err.println("protocol server: row write failed: " + error)));
        }
      });
      return;
    }
    if (request.path().startsWith("/v1/views")) {
      if (admitted.incrementAndGet() <= limit) {
        request.response().end("{}");
      } else {
        request.response().setStatusCode(429).putHeader("Retry-After", "1").end();
      }
      return;
    }
    request.response().setStatusCode(404).end();
  }

  @Override
  public void close() {
    pubSub.unsubscribe();
    vertx.close().await();
    writer.close();
    subscriber.close();
  }
}
