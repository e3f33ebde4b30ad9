package io.streamgate.gateway.push;

import io.streamgate.gateway.http.StaticPage;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

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

  private static final StaticPage FILES = new StaticPage("io/streamgate/gateway/dashboard/", CSP);

  private Dashboard() {}

  public static Handler<RoutingContext> page() {
    return FILES.html("index.html");
  }

  public static Handler<RoutingContext> script() {
    return FILES.script("dashboard.js");
  }
}
