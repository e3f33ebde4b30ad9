package io.streamgate.gateway.push;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.contract.Script;
import io.streamgate.contract.Scripts;
import io.streamgate.contract.ViewKind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * A manual smoke check of WebSocket fan-out against a running gateway, until the load-test
 * tool's {@code ws-fanout} scenario exists (not a benchmark: it shares the machine with the
 * gateway). Registers a view {@code bench} with {@code keys} rows through the contract, opens
 * {@code connections} WebSockets (each subscribes to one key, spread evenly), then writes
 * {@code rate} rows/s for {@code seconds} and reports updates received, closes and
 * written → received latency ({@code now - updatedAt}). See docs/push.md, "Capacity".
 *
 * <pre>
 * java -cp gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/runtime-classpath.txt) \
 *   io.streamgate.gateway.push.WsFanoutSmoke GATEWAY_PORT REDIS_URL NAMESPACE TOKEN \
 *   [connections=10000] [rate=1000] [seconds=10] [keys=1000]
 * </pre>
 */
public final class WsFanoutSmoke {
  private WsFanoutSmoke() {}

  public static void main(String[] args) {
    if (args.length < 4 || args[0].equals("--help")) {
      System.out.println("usage: WsFanoutSmoke GATEWAY_PORT REDIS_URL NAMESPACE TOKEN"
          + " [connections=10000] [rate=1000] [seconds=10] [keys=1000]");
      System.exit(args.length > 0 && args[0].equals("--help") ? 0 : 2);
    }
    int port = Integer.parseInt(args[0]);
    String redisUrl = args[1];
    Keyspace keyspace = new Keyspace(args[2]);
    String token = args[3];
    int connections = args.length > 4 ? Integer.parseInt(args[4]) : 10_000;
    int rate = args.length > 5 ? Integer.parseInt(args[5]) : 1_000;
    int seconds = args.length > 6 ? Integer.parseInt(args[6]) : 10;
    int keys = args.length > 7 ? Integer.parseInt(args[7]) : 1_000;

    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, redisUrl);
    eval(redis, Scripts.REGISTER_VIEW, Scripts.registerViewKeys(keyspace),
        Scripts.registerViewArgs(keyspace, new CatalogEntry("bench", "fan-out smoke", "key",
            ViewKind.AGGREGATE, List.of(new CatalogEntry.Column("n", "bigint")), null, 0,
            System.currentTimeMillis())));
    long base = System.currentTimeMillis(); // versions above any earlier run's
    for (int k = 0; k < keys; k++) {
      write(redis, keyspace, new Row("bench", "k" + k, base, System.currentTimeMillis(),
          "{\"n\":0}"));
    }
    System.out.println("view bench registered; waiting up to 11 s for the gateway's catalog");
    sleep(11_000);

    WebSocketClient client = vertx.createWebSocketClient(
        new WebSocketClientOptions().setMaxConnections(connections + 10));
    ConcurrentHistogram latency = new ConcurrentHistogram(3);
    AtomicLong updates = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong closed = new AtomicLong();
    long start = System.nanoTime();
    for (int batch = 0; batch < connections; batch += 500) {
      List<Future<Void>> acks = new ArrayList<>();
      for (int i = batch; i < Math.min(connections, batch + 500); i++) {
        String subscribe = new JsonObject().put("op", "subscribe").put("id", "s" + i)
            .put("view", "bench").put("keys", new JsonArray().add("k" + (i % keys))).encode();
        acks.add(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
            .setPort(port).setURI("/v1/ws?access_token=" + token)).compose(ws -> {
              Promise<Void> ack = Promise.promise();
              ws.textMessageHandler(text -> {
                JsonObject m = new JsonObject(text);
                switch (m.getString("type")) {
                  case "update" -> {
                    updates.incrementAndGet();
                    latency.recordValue(Math.max(0,
                        System.currentTimeMillis() - m.getLong("updatedAt")));
                  }
                  case "subscribed" -> ack.tryComplete();
                  case "error" -> {
                    errors.incrementAndGet();
                    ack.tryComplete();
                  }
                  default -> { }
                }
              });
              ws.closeHandler(v -> closed.incrementAndGet());
              ws.writeTextMessage(subscribe);
              return ack.future();
            }));
      }
      Future.all(acks).await();
      System.out.printf("%d connected and subscribed%n", Math.min(connections, batch + 500));
    }
    System.out.printf("%d connections in %d ms, %d subscribe errors%n", connections,
        (System.nanoTime() - start) / 1_000_000, errors.get());

    long writeStart = System.nanoTime();
    long writes = 0;
    // Pipelined on one connection, not awaited one by one: a round trip must not lower the rate.
    RedisConnection pipeline = redis.connect().await();
    List<Future<?>> written = new ArrayList<>();
    for (int s = 0; s < seconds * rate; s++) {
      long due = writeStart + s * 1_000_000_000L / rate;
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
      Row row = new Row("bench", "k" + (s % keys), base + 1 + s / keys,
          System.currentTimeMillis(), "{\"n\":" + s + "}");
      written.add(pipeline.send(evalRequest(Scripts.WRITE_ROW, Scripts.writeRowKeys(keyspace, row),
          Scripts.writeRowArgs(keyspace, row, 0))));
      writes++;
    }
    Future.all(written).await();
    sleep(2_000);
    System.out.printf("%d writes in %d ms; %d updates received of %d expected; %d connections"
        + " closed; written -> received ms: p50 %d, p99 %d, max %d%n", writes,
        (System.nanoTime() - writeStart) / 1_000_000, updates.get(), writes * connections / keys,
        closed.get(), latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
        latency.getMaxValue());
    vertx.close().await();
  }

  private static void write(Redis redis, Keyspace keyspace, Row row) {
    eval(redis, Scripts.WRITE_ROW, Scripts.writeRowKeys(keyspace, row),
        Scripts.writeRowArgs(keyspace, row, 0));
  }

  private static void eval(Redis redis, Script script, List<String> keys, List<String> args) {
    redis.send(evalRequest(script, keys, args)).await();
  }

  private static Request evalRequest(Script script, List<String> keys, List<String> args) {
    Request request = Request.cmd(Command.EVAL).arg(script.source()).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
