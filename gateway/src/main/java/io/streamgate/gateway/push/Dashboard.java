package io.streamgate.gateway.push;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The live dashboard ({@code Endpoint.DASHBOARD} and {@code DASHBOARD_SCRIPT}): one HTML page
 * and its script, plain files from the classpath
 * ({@code io/streamgate/gateway/dashboard/}), read once. No token is needed to load them; the
 * page takes one from its URL fragment ({@code #token=…}, never sent to the server) and uses
 * it for the REST reads and the WebSocket. Nothing is loaded from other origins, which the
 * Content-Security-Policy enforces.
 */
public final class Dashboard {
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'"
      + " 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:;"
      + " base-uri 'none'; frame-ancestors 'none'";

  private Dashboard() {}

  public static Handler<RoutingContext> page() {
    return serve("index.html", "text/html; charset=utf-8");
  }

  public static Handler<RoutingContext> script() {
    return serve("dashboard.js", "text/javascript; charset=utf-8");
  }

  private static Handler<RoutingContext> serve(String file, String type) {
    Buffer body = Buffer.buffer(read("io/streamgate/gateway/dashboard/" + file));
    return ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, type)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .end(body);
  }

  private static byte[] read(String resource) {
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
