package io.streamgate.gateway.graphql.internal;

import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.config.PushConfig;
import io.streamgate.gateway.graphql.GraphQLApi;
import io.streamgate.gateway.store.SnapshotReads;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One {@code graphql-transport-ws} socket once the client sent {@code connection_init}: its
 * principal (verified at the handshake), its subscriptions, a heartbeat (a ping frame per
 * {@code push.heartbeatMs}; no answer for 3 intervals closes it) and the token's expiry. Touched
 * on the socket's event loop only.
 */
final class Connection {
  private static final Buffer PING = Buffer.buffer("sg");

  final Principal principal;
  final ServerWebSocket socket;
  final Context context;
  /** The event loop's snapshot reads, bounded ({@code push.maxQueuedReads} waiting). */
  final SnapshotReads reads;
  private final PushConfig limits;
  private final Set<LiveRows> subscriptions = new LinkedHashSet<>();
  private final Runnable onEnd;
  private long lastHeardMs = System.currentTimeMillis();
  private long heartbeatTimer = -1;
  private long expiryTimer = -1;
  private boolean ended;

  /**
   * @param onEnd run once when the socket closes (frees the principal's socket)
   */
  Connection(Principal principal, ServerWebSocket socket, Context context, SnapshotReads reads,
      PushConfig limits, int leewaySeconds, Runnable onEnd) {
    this.principal = principal;
    this.socket = socket;
    this.context = context;
    this.reads = reads;
    this.limits = limits;
    this.onEnd = onEnd;
    Vertx vertx = context.owner();
    socket.pongHandler(b -> lastHeardMs = System.currentTimeMillis());
    socket.drainHandler(v -> new ArrayList<>(subscriptions).forEach(LiveRows::drain));
    heartbeatTimer = vertx.setPeriodic(limits.heartbeatMs(), t -> heartbeat());
    if (principal.expiresAt() != Principal.NO_EXPIRY) {
      long delay = (principal.expiresAt() + leewaySeconds) * 1000 - System.currentTimeMillis();
      expiryTimer = vertx.setTimer(Math.max(1, delay), t -> close(
          GraphQLApi.CLOSE_TOKEN_EXPIRED, "token expired; reconnect with a new token"));
    }
  }

  PushConfig limits() {
    return limits;
  }

  /** Adds a subscription, or answers false if the connection holds the maximum. */
  boolean add(LiveRows live) {
    if (ended || subscriptions.size() >= limits.maxSubscriptions()) {
      return false;
    }
    subscriptions.add(live);
    return true;
  }

  void remove(LiveRows live) {
    subscriptions.remove(live);
  }

  /** Anything from the client counts as a sign of life (graphql-ws sends no pong frames). */
  void heard() {
    lastHeardMs = System.currentTimeMillis();
  }

  private void heartbeat() {
    long silent = System.currentTimeMillis() - lastHeardMs;
    if (silent > 3L * limits.heartbeatMs()) {
      close(GraphQLApi.CLOSE_NO_PONG, "no pong or message for " + silent + " ms");
    } else if (!socket.isClosed()) {
      socket.writePing(PING);
    }
  }

  void close(short code, String reason) {
    if (!socket.isClosed()) {
      socket.close(code, reason);
    }
    ended();
  }

  /** The socket closed: ends every subscription and frees what the connection held. */
  void ended() {
    if (ended) {
      return;
    }
    ended = true;
    context.owner().cancelTimer(heartbeatTimer);
    if (expiryTimer >= 0) {
      context.owner().cancelTimer(expiryTimer);
    }
    new ArrayList<>(subscriptions).forEach(LiveRows::end);
    subscriptions.clear();
    onEnd.run();
  }
}
