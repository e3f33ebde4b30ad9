package io.streamgate.gateway.store.internal;

import io.streamgate.gateway.store.ChannelSubscription;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SUBSCRIBE (or PSUBSCRIBE, for a pattern) on a dedicated connection, reconnected with
 * exponential backoff whenever it is lost. A server that hangs keeps its socket open and sends
 * nothing, which no close or error reveals: while subscribed, a PING goes out every
 * {@value #LIVENESS_INTERVAL_MS} ms, and a connection that has said nothing (no message, no
 * answer to a PING) for {@link #silenceMs} counts as lost. That is far longer than a command's
 * timeout on purpose: a false alarm is expensive (the near cache empties, every push client is
 * resynchronised), and under overload answers are late, not missing; with 1 s the soak's load
 * turned slow PINGs into a loop of resubscriptions that took the gateway down. Given several servers (a Redis Cluster's seeds, any of which hears every PUBLISH),
 * each new attempt after a loss goes to the next one, so a hung node is left behind. All state is
 * touched only on the context that started it (fields are unsynchronised on purpose);
 * {@link #subscribed()} is the one volatile read for other threads.
 */
public final class RedisChannelSubscription implements ChannelSubscription {
  private static final Logger LOG = LoggerFactory.getLogger(RedisChannelSubscription.class);
  static final long MIN_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 5_000;
  static final long LIVENESS_INTERVAL_MS = 2_000;
  static final long MIN_SILENCE_MS = 5_000;

  private final Vertx vertx;
  private final Context context;
  private final List<Redis> servers;
  private final List<String> addresses;
  private final String channel;
  private final long timeoutMs;
  private final boolean pattern;
  private final BiConsumer<String, String> onMessage;
  private final Handler<Void> onSubscribed;
  private final Handler<Void> onLost;

  private volatile boolean subscribed;
  private RedisConnection connection;
  private int server;
  private long livenessTimer = -1;
  private boolean pinging;
  private long lastHeardNanos;
  private boolean closed;
  private boolean reportedDown;
  private long backoffMs = MIN_BACKOFF_MS;
  private long retryTimer = -1;

  private RedisChannelSubscription(Vertx vertx, List<Redis> servers, List<String> addresses,
      String channel, boolean pattern, long timeoutMs, BiConsumer<String, String> onMessage,
      Handler<Void> onSubscribed, Handler<Void> onLost) {
    if (servers.isEmpty() || servers.size() != addresses.size()) {
      throw new IllegalArgumentException("one address per server, at least one: " + addresses);
    }
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.servers = List.copyOf(servers);
    this.addresses = List.copyOf(addresses);
    this.channel = channel;
    this.pattern = pattern;
    this.timeoutMs = timeoutMs;
    this.onMessage = onMessage;
    this.onSubscribed = onSubscribed;
    this.onLost = onLost;
  }

  /**
   * @param servers one client per server to subscribe on, tried in turn after each loss; the
   *                subscription owns and closes them
   * @param addresses each server's address for logs (without passwords)
   * @param pattern true to PSUBSCRIBE {@code channel} as a glob pattern
   * @param onMessage each message's channel and payload
   * @param onLost  called once each time an established subscription is lost
   */
  public static RedisChannelSubscription start(Vertx vertx, List<Redis> servers,
      List<String> addresses, String channel, boolean pattern, long timeoutMs,
      BiConsumer<String, String> onMessage, Handler<Void> onSubscribed, Handler<Void> onLost) {
    RedisChannelSubscription subscription = new RedisChannelSubscription(vertx, servers, addresses,
        channel, pattern, timeoutMs, onMessage, onSubscribed, onLost);
    subscription.context.runOnContext(v -> subscription.connect());
    return subscription;
  }

  @Override
  public boolean subscribed() {
    return subscribed;
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      subscribed = false;
      vertx.cancelTimer(retryTimer);
      vertx.cancelTimer(livenessTimer);
      if (connection != null) {
        connection.close();
        connection = null;
      }
      Future.join(servers.stream().map(Redis::close).toList()).<Void>mapEmpty().onComplete(done);
    });
    return done.future();
  }

  private void connect() {
    if (closed) {
      return;
    }
    // A hung server can stall the handshake past the socket's connect timeout: give up on this
    // attempt ourselves, and close the connection should it still arrive later.
    boolean[] abandoned = {false};
    long deadline = vertx.setTimer(timeoutMs, t -> {
      abandoned[0] = true;
      retry("no answer within " + timeoutMs + " ms");
    });
    servers.get(server).connect().onComplete(ar -> {
      if (abandoned[0] || closed) {
        if (ar.succeeded()) {
          ar.result().close();
        }
        return;
      }
      vertx.cancelTimer(deadline);
      if (ar.failed()) {
        retry(ar.cause().getMessage());
        return;
      }
      RedisConnection conn = ar.result();
      connection = conn;
      conn.handler(reply -> onReply(reply));
      conn.exceptionHandler(e -> lost(conn, e.getMessage()));
      conn.endHandler(v -> lost(conn, "connection closed"));
      conn.send(Request.cmd(pattern ? Command.PSUBSCRIBE : Command.SUBSCRIBE).arg(channel))
          .onFailure(e -> lost(conn, e.getMessage()));
    });
  }

  /** How long a subscribed connection may say nothing before it counts as lost. */
  long silenceMs() {
    return Math.max(MIN_SILENCE_MS, 5 * timeoutMs);
  }

  private void startLiveness() {
    lastHeardNanos = System.nanoTime();
    pinging = false;
    if (livenessTimer == -1) {
      livenessTimer = vertx.setPeriodic(LIVENESS_INTERVAL_MS, t -> checkLiveness());
    }
  }

  private void checkLiveness() {
    RedisConnection conn = connection;
    if (conn == null || !subscribed) {
      return;
    }
    long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeardNanos);
    if (silentMs > silenceMs()) {
      lost(conn, "no message and no answer to PING for " + silentMs + " ms");
      return;
    }
    if (pinging) {
      return; // one PING at a time; a hung server would otherwise pile them up
    }
    pinging = true;
    conn.send(Request.cmd(Command.PING)).onComplete(ar -> {
      pinging = false;
      if (ar.succeeded()) {
        lastHeardNanos = System.nanoTime();
        if (ar.result() != null && !isPong(ar.result())) {
          // RESP2: a message that arrived while the PING waited is handed to the PING.
          onReply(ar.result());
        }
      }
    });
  }

  private static boolean isPong(Response reply) {
    return reply.type() == ResponseType.SIMPLE ? "PONG".equalsIgnoreCase(reply.toString())
        : reply.size() > 0 && reply.get(0) != null && "pong".equalsIgnoreCase(reply.get(0).toString());
  }

  private void onReply(Response reply) {
    lastHeardNanos = System.nanoTime();
    if (reply == null || (reply.type() != ResponseType.MULTI && reply.type() != ResponseType.PUSH)
        || reply.size() < 3) {
      return;
    }
    String kind = reply.get(0).toString();
    if ("message".equals(kind) && reply.get(2) != null) {
      onMessage.accept(channel, reply.get(2).toString());
    } else if ("pmessage".equals(kind) && reply.size() >= 4 && reply.get(3) != null) {
      onMessage.accept(reply.get(2).toString(), reply.get(3).toString());
    } else if ("subscribe".equals(kind) || "psubscribe".equals(kind)) {
      subscribed = true;
      backoffMs = MIN_BACKOFF_MS;
      if (reportedDown) {
        LOG.info("resubscribed to {} on redis at {}", channel, addresses.get(server));
        reportedDown = false;
      }
      startLiveness();
      onSubscribed.handle(null);
    }
  }

  private void lost(RedisConnection conn, String why) {
    if (conn != connection) {
      return; // already handled (end and exception handlers both fire)
    }
    connection = null;
    boolean wasSubscribed = subscribed;
    subscribed = false;
    vertx.cancelTimer(livenessTimer);
    livenessTimer = -1;
    conn.close();
    if (wasSubscribed) {
      onLost.handle(null);
    }
    retry(why);
  }

  private void retry(String why) {
    if (closed) {
      return;
    }
    if (!reportedDown) {
      LOG.warn("not subscribed to {} on redis at {} ({}); retrying every {}-{} ms{} until Redis"
          + " answers. Check that Redis is running and redis.url is right.",
          channel, addresses.get(server), why, MIN_BACKOFF_MS, MAX_BACKOFF_MS,
          servers.size() > 1 ? " on each of " + String.join(",", addresses) + " in turn" : "");
      reportedDown = true;
    }
    server = (server + 1) % servers.size();
    retryTimer = vertx.setTimer(backoffMs, t -> connect());
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  }
}
