package io.streamgate.gateway.http;

import io.streamgate.contract.json.Json;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Access log stage: one JSON line per finished request on stdout, through
 * {@link AccessLogWriter} so the event loop never waits
 * for the log's output. Registered right after the request id and before auth, so refused
 * requests are logged too. Fields:
 *
 * <pre>
 * {"time":"2026-01-01T00:00:00.123456Z","requestId":"…","method":"GET",
 *  "route":"/v1/views/{view}/{key}","path":"/v1/views/orders/42","status":200,"bytes":312,
 *  "durationMs":0.840,"sub":"alice","remote":"10.0.0.7"}
 * </pre>
 *
 * {@code route} is the route template (null if no route matched), {@code path} the raw path
 * without the query, {@code sub} null without a verified token; {@code "aborted":true} is added
 * when the connection closed before the response was complete. The gateway's warm-up requests
 * ({@link WarmupMark}) are not logged. Stateless; runs on the request's
 * event loop.
 */
public final class AccessLogHandler implements Handler<RoutingContext> {
  private final AccessLogWriter writer;

  public AccessLogHandler(AccessLogWriter writer) {
    this.writer = writer;
  }

  /** Writes to the process-wide {@link AccessLogWriter#shared()}. */
  public AccessLogHandler() {
    this(AccessLogWriter.shared());
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      // An h2c upgrade closes the HTTP/1 stream after a complete response: not an abort.
      CharSequence line = line(ctx, start, !done.succeeded() && !ctx.response().ended());
      // Warm-up requests build and encode their line (that code must be compiled too) but
      // never log it.
      if (WarmupMark.is(ctx)) {
        writer.rehearse(line);
      } else {
        writer.offer(line);
      }
    });
    ctx.next();
  }

  /** The seconds part of the last time printed, per event loop: it changes once a second. */
  private static final ThreadLocal<SecondPrefix> SECOND = ThreadLocal.withInitial(SecondPrefix::new);

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);

  private static final class SecondPrefix {
    long epochSecond = Long.MIN_VALUE;
    String text;
  }

  /** ISO-8601 UTC with microseconds, e.g. {@code 2026-01-01T00:00:00.123456Z}. */
  static void appendTime(StringBuilder out, Instant time) {
    SecondPrefix second = SECOND.get();
    if (second.epochSecond != time.getEpochSecond()) {
      second.epochSecond = time.getEpochSecond();
      second.text = SECONDS.format(
          LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, ZoneOffset.UTC));
    }
    int micros = time.getNano() / 1_000;
    out.append(second.text).append('.');
    for (int digit = 100_000; digit > 1 && micros < digit; digit /= 10) {
      out.append('0');
    }
    out.append(micros).append('Z');
  }

  /** One builder per event loop, reused line after line: the writer copies each line out. */
  private static final ThreadLocal<StringBuilder> LINE =
      ThreadLocal.withInitial(() -> new StringBuilder(512));

  /**
   * Per event loop: connections' addresses (each connection keeps its one object) and their
   * text, in slots by identity. SocketAddress formats its text anew on every call, garbage on
   * every request of a keep-alive connection; here once per connection, or when two share a slot.
   */
  private static final int ADDRESS_SLOTS = 1024;
  private static final ThreadLocal<Object[]> ADDRESSES =
      ThreadLocal.withInitial(() -> new Object[2 * ADDRESS_SLOTS]);

  private static String hostAddress(SocketAddress remote) {
    Object[] slots = ADDRESSES.get();
    int i = 2 * (System.identityHashCode(remote) & (ADDRESS_SLOTS - 1));
    if (slots[i] != remote) {
      slots[i] = remote;
      slots[i + 1] = remote.hostAddress();
    }
    return (String) slots[i + 1];
  }

  /** The line, in this thread's builder: valid until the thread's next call. */
  static CharSequence line(RoutingContext ctx, long startNanos, boolean aborted) {
    long micros = (System.nanoTime() - startNanos) / 1_000;
    HttpServerRequest req = ctx.request();
    Principal principal = BearerAuthHandler.principalOrNull(ctx);
    StringBuilder out = LINE.get();
    if (out.capacity() > 8_192) {
      out = new StringBuilder(512); // one huge line (a long path) is not kept for good
      LINE.set(out);
    }
    out.setLength(0);
    out.append("{\"time\":\"");
    appendTime(out, Instant.now());
    out.append("\",\"requestId\":");
    Json.appendString(out, RequestIdHandler.of(ctx));
    out.append(",\"method\":\"").append(req.method().name()).append("\",\"route\":");
    String route = GatewayMetrics.routeOf(ctx);
    if (route == null) {
      out.append("null");
    } else {
      Json.appendString(out, route);
    }
    out.append(",\"path\":");
    Json.appendString(out, req.path() == null ? "" : req.path());
    out.append(",\"status\":").append(ctx.response().getStatusCode())
        .append(",\"bytes\":").append(ctx.response().bytesWritten())
        .append(",\"durationMs\":").append(micros / 1000).append('.');
    long fraction = micros % 1000; // three decimals without String.format on the event loop
    out.append(fraction < 100 ? (fraction < 10 ? "00" : "0") : "").append(fraction)
        .append(",\"sub\":");
    if (principal == null || principal.subject().isEmpty()) {
      out.append("null");
    } else {
      Json.appendString(out, principal.subject());
    }
    out.append(",\"remote\":");
    // The peer of the connection: no X-Forwarded-For parsing (vert.x-web's request wrapper
    // would run its forwarded-header parser here on every request).
    SocketAddress remote = req.connection() == null ? null : req.connection().remoteAddress();
    String host = remote == null ? null : hostAddress(remote); // null: a Unix domain socket
    if (host == null) {
      out.append("null");
    } else {
      Json.appendString(out, host);
    }
    if (aborted) {
      out.append(",\"aborted\":true");
    }
    return out.append('}');
  }
}
