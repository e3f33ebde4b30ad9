package io.streamgate.gateway.admin;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

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

  private ViewsPage() {}

  public static Handler<RoutingContext> page() {
    return serve("views.html", "text/html; charset=utf-8");
  }

  public static Handler<RoutingContext> script() {
    return serve("views.js", "text/javascript; charset=utf-8");
  }

  private static Handler<RoutingContext> serve(String file, String type) {
    Buffer body = Buffer.buffer(read("io/streamgate/gateway/admin/page/" + file));
    return ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, type)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .end(body);
  }

  private static byte[] read(String resource) {
    try (InputStream in = ViewsPage.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
