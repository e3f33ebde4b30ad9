package io.streamgate.gateway.push.internal;

import io.vertx.core.Future;

/**
 * How a {@link Session} reaches its client: a WebSocket or an SSE response. Called on the
 * connection's event loop only.
 */
interface Transport {
  /** {@code ws} or {@code sse}, the metrics label. */
  String name();

  /** True while the socket has more than its write-queue bound in flight. */
  boolean writeQueueFull();

  /** Called when a full write queue has drained. */
  void drainHandler(Runnable onDrain);

  /** One message as this transport sends it (a text frame, an SSE event). */
  String format(Outbox.Entry entry);

  /** Writes a message {@link #format} made. */
  Future<Void> send(String text);

  /** Ends the connection, telling the client why where the transport can. */
  void close(short code, String reason);

  /** A keep-alive: a ping frame, or an SSE comment line. */
  void heartbeat();

  /** Whether the transport expects the client to answer heartbeats (WebSocket pongs). */
  boolean answersHeartbeats();
}
