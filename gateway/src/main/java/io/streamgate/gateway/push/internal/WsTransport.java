package io.streamgate.gateway.push.internal;

import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.streamgate.gateway.freshness.ViewFreshness;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/** A WebSocket: one JSON text message per entry. */
final class WsTransport implements Transport {
  private static final Buffer PING = Buffer.buffer("sg");
  private final ServerWebSocket ws;
  private final ViewFreshness freshness;

  WsTransport(ServerWebSocket ws, ViewFreshness freshness) {
    this.ws = ws;
    this.freshness = freshness;
  }

  @Override
  public String name() {
    return "ws";
  }

  @Override
  public boolean writeQueueFull() {
    return ws.writeQueueFull();
  }

  @Override
  public void drainHandler(Runnable onDrain) {
    ws.drainHandler(v -> onDrain.run());
  }

  @Override
  public String format(Outbox.Entry entry) {
    return switch (entry.kind) {
      case CONTROL -> entry.text;
      case ENTER -> Protocol.row("enter", entry.id, (Row) entry.change, false,
          freshness.of(entry.change.view(), entry.viewVersion));
      case LEAVE -> Protocol.leave(entry.id, entry.change.view(), entry.change.key(),
          entry.change.version());
      default -> entry.change instanceof Row row
          ? Protocol.row(entry.kind == Outbox.Kind.SNAPSHOT ? "snapshot" : "update", entry.id,
              row, entry.reset, freshness.of(row.view(), entry.viewVersion))
          : Protocol.delete(entry.id, (Tombstone) entry.change,
              freshness.of(entry.change.view(), entry.viewVersion));
    };
  }

  @Override
  public Future<Void> send(String text) {
    return ws.writeTextMessage(text);
  }

  @Override
  public void close(short code, String reason) {
    if (!ws.isClosed()) {
      ws.close(code, reason);
    }
  }

  @Override
  public void heartbeat() {
    if (!ws.isClosed()) {
      ws.writePing(PING);
    }
  }

  @Override
  public boolean answersHeartbeats() {
    return true;
  }
}
