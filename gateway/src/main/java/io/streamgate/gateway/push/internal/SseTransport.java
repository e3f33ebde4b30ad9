package io.streamgate.gateway.push.internal;

import io.streamgate.contract.json.Json;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code text/event-stream} response: rows as {@code snapshot}/{@code update} events whose
 * {@code id} is the row version (so a reconnecting EventSource sends it as
 * {@code Last-Event-ID}) and whose data is the row's contract JSON; control messages as events
 * named by their type.
 */
final class SseTransport implements Transport {
  private final HttpServerResponse response;

  SseTransport(HttpServerResponse response) {
    this.response = response;
  }

  @Override
  public String name() {
    return "sse";
  }

  @Override
  public boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  @Override
  public void drainHandler(Runnable onDrain) {
    response.drainHandler(v -> onDrain.run());
  }

  @Override
  public Future<Void> write(Outbox.Entry entry) {
    String text = switch (entry.kind) {
      case SNAPSHOT -> "id: " + entry.row.version() + "\nevent: snapshot\ndata: "
          + entry.row.toJson() + "\n\n";
      case UPDATE -> "id: " + entry.row.version() + "\nevent: update\ndata: "
          + entry.row.toJson() + "\n\n";
      case CONTROL -> "event: " + entry.type + "\ndata: " + entry.text + "\n\n";
    };
    return response.write(text);
  }

  @Override
  public void close(short code, String reason) {
    if (response.ended() || response.closed()) {
      return;
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("code", code);
    data.put("message", reason);
    response.write("event: close\ndata: " + Json.write(data) + "\n\n");
    response.end();
  }

  @Override
  public void heartbeat() {
    if (!response.ended() && !response.closed() && !response.writeQueueFull()) {
      response.write(": keep-alive\n\n");
    }
  }

  @Override
  public boolean answersHeartbeats() {
    return false;
  }
}
