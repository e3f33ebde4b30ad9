package io.streamgate.gateway.admin.internal;

import io.streamgate.contract.json.Json;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.http.AccessLogWriter;
import io.streamgate.gateway.http.BearerAuthHandler;
import io.streamgate.gateway.http.Endpoint;
import io.streamgate.gateway.http.RequestIdHandler;
import io.streamgate.gateway.http.RequestPath;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per admin call on the logger {@value #LOGGER}, written when the response has
 * been sent, whatever ended it (401, 403, a refused pipeline, a timeout, success): who (the
 * token's subject, null without a valid token), what (list, describe, sources, apply, preview,
 * drop, list-keys, create-key, revoke-key, usage), which views (which API key, for keys), when, from which client address, the outcome and HTTP status, the request
 * id and the control request's id. Lines go through a bounded queue to a writer thread, so an
 * event loop never waits on the log (a flood of unauthenticated calls drops lines and counts them
 * rather than stalling requests). Thread-safe.
 */
public final class AuditLog implements AutoCloseable {
  /** The logger every audit line is written to; route it to a file of its own to keep them. */
  public static final String LOGGER = "streamgate.audit";
  static final String VIEWS = "streamgate.audit.views";
  static final String CONTROL_ID = "streamgate.audit.control";
  static final String DRY_RUN = "streamgate.audit.dryRun";
  static final String KEY = "streamgate.audit.key";
  private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);
  /** Bytes of lines waiting at most (twice: one buffer filling, one being written). */
  private static final int CAPACITY_BYTES = 1 << 20;

  private final Clock clock;
  private final AccessLogWriter writer;

  private AuditLog(Clock clock, AccessLogWriter writer) {
    this.clock = clock;
    this.writer = writer;
  }

  public static AuditLog create(Clock clock) {
    return new AuditLog(clock,
        new AccessLogWriter(CAPACITY_BYTES, AccessLogWriter.lines(AUDIT::info)));
  }

  /** The stage before the token check: the line is written once the response is sent. */
  public void begin(RoutingContext ctx) {
    long at = clock.millis();
    ctx.addBodyEndHandler(v -> writer.offer(line(ctx, at)));
  }

  /** The views an apply names, for its line. */
  static void views(RoutingContext ctx, List<String> views) {
    ctx.put(VIEWS, List.copyOf(views));
  }

  static void controlId(RoutingContext ctx, String id) {
    ctx.put(CONTROL_ID, id);
  }

  /** The API key a create or revoke is about: its id and what it grants. */
  static void key(RoutingContext ctx, Map<String, Object> key) {
    ctx.put(KEY, key);
  }

  static void dryRun(RoutingContext ctx) {
    ctx.put(DRY_RUN, true);
  }

  String line(RoutingContext ctx, long at) {
    RequestPath path = RequestPath.of(ctx);
    Principal who = BearerAuthHandler.principalOrNull(ctx);
    int status = ctx.response().getStatusCode();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("at", Instant.ofEpochMilli(at).toString());
    line.put("who", who == null ? null : who.subject());
    line.put("what", what(path.endpoint()));
    List<String> views = ctx.get(VIEWS);
    line.put("views", views != null ? views : path.view() == null ? List.of() : List.of(path.view()));
    if (Boolean.TRUE.equals(ctx.get(DRY_RUN))) {
      line.put("dryRun", true);
    }
    Map<String, Object> key = ctx.get(KEY);
    if (key != null) {
      line.put("key", key);
    }
    line.put("from", address(ctx.request().remoteAddress()));
    line.put("outcome", outcome(status));
    line.put("status", status);
    line.put("requestId", RequestIdHandler.of(ctx));
    line.put("controlId", ctx.get(CONTROL_ID));
    return Json.write(line);
  }

  static String what(Endpoint endpoint) {
    if (endpoint == null) {
      return "unknown";
    }
    return switch (endpoint) {
      case ADMIN_VIEWS -> "list";
      case ADMIN_VIEW -> "describe";
      case ADMIN_APPLY -> "apply";
      case ADMIN_PREVIEW -> "preview";
      case ADMIN_DROP -> "drop";
      case ADMIN_SOURCES -> "sources";
      case ADMIN_KEYS -> "list-keys";
      case ADMIN_KEY_CREATE -> "create-key";
      case ADMIN_KEY_REVOKE -> "revoke-key";
      case ADMIN_USAGE -> "usage";
      default -> endpoint.template();
    };
  }

  static String outcome(int status) {
    if (status >= 200 && status < 300) {
      return "ok";
    }
    return switch (status) {
      case 401 -> "unauthenticated";
      case 403 -> "forbidden";
      case 422 -> "refused";
      case 429 -> "rate-limited";
      case 504 -> "timeout";
      default -> status >= 500 ? "error" : "invalid";
    };
  }

  static String address(SocketAddress address) {
    if (address == null) {
      return null;
    }
    return address.hostAddress() != null ? address.hostAddress() : address.toString();
  }

  @Override
  public void close() {
    writer.close();
  }
}
