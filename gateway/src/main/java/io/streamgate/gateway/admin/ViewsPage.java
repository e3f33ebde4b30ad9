package io.streamgate.gateway.admin;

import io.streamgate.gateway.http.StaticPage;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The view authoring page ({@code Endpoint.VIEWS_PAGE} and {@code VIEWS_PAGE_SCRIPT}): one HTML
 * page and its script, plain files from the classpath ({@code io/streamgate/gateway/admin/page/}),
 * read once. No token is needed to load them; the page takes one with scope {@code admin} from
 * its URL fragment ({@code /views#token=…}, never sent to the server) and calls the admin API on
 * the same origin with it. Nothing is loaded from other origins (Content-Security-Policy).
 * The handlers are stateless and run on the request's event loop.
 */
public final class ViewsPage {
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'"
      + " 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none';"
      + " form-action 'none'; frame-ancestors 'none'";

  private static final StaticPage FILES = new StaticPage("io/streamgate/gateway/admin/page/", CSP);

  private ViewsPage() {}

  public static Handler<RoutingContext> page() {
    return FILES.html("views.html");
  }

  public static Handler<RoutingContext> script() {
    return FILES.script("views.js");
  }
}
