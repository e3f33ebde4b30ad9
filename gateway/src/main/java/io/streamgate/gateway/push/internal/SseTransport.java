package io.streamgate.gateway.push.internal;

import io.streamgate.contract.Tombstone;
import io.streamgate.contract.json.Json;
import io.streamgate.gateway.freshness.ViewFreshness;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code text/event-stream} response: rows as {@code snapshot}/{@code update} events and
 * deletes as {@code delete} events, whose {@code id} is the row version ({@link #eventId}: so a
 * reconnecting EventSource sends it as {@code Last-Event-ID}) and whose data is the contract's
 * JSON form (a row, or a tombstone with {@code "deleted":true}) plus the view version's
 * {@code watermark} and {@code lagMs}; control messages as events named by their type. A
 * filtered stream's rows have no {@code id} (one row version cannot resume a set of rows: a
 * reconnect gets the matching rows again), and its keys that stop matching come as {@code leave}
 * events ({@link Protocol#leave}).
 */
final class SseTransport implements Transport {
  private final HttpServerResponse response;
  private final ViewFreshness freshness;

  SseTransport(HttpServerResponse response, ViewFreshness freshness) {
    this.response = response;
    this.freshness = freshness;
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
  public String format(Outbox.Entry entry) {
    return switch (entry.kind) {
      case CONTROL -> "event: " + entry.type + "\ndata: " + entry.text + "\n\n";
      case LEAVE -> "event: leave\ndata: " + Protocol.leave(entry.id, entry.change.view(),
          entry.change.key(), entry.change.version()) + "\n\n";
      case ENTER -> "event: enter\ndata: " + rowData(entry) + "\n\n";
      default -> entry.filtered ? "event: " + (entry.kind == Outbox.Kind.SNAPSHOT ? "snapshot"
          : "update") + "\ndata: " + rowData(entry) + "\n\n" : rowEvent(entry);
    };
  }

  @Override
  public Future<Void> send(String text) {
    return response.write(text);
  }

  private String rowEvent(Outbox.Entry entry) {
    return "id: " + eventId(entry.viewVersion, entry.change.version()) + "\nevent: "
        + (entry.change instanceof Tombstone ? "delete"
            : entry.kind == Outbox.Kind.SNAPSHOT ? "snapshot" : "update")
        + "\ndata: " + rowData(entry) + "\n\n";
  }

  /** The row or tombstone plus its view version's watermark and lag. */
  private String rowData(Outbox.Entry entry) {
    return Protocol.withFreshness(entry.change.toJson(),
        freshness.of(entry.change.view(), entry.viewVersion));
  }

  /**
   * {@code <row version>} for view version 1, {@code <view version>.<row version>} after (as the
   * REST ETag), so a Last-Event-ID of one view version is never taken for another's.
   */
  static String eventId(long viewVersion, long rowVersion) {
    return viewVersion == 1 ? Long.toString(rowVersion) : viewVersion + "." + rowVersion;
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
