package io.streamgate.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A page's files served from the classpath, read once: the same headers for every page the
 * gateway ships (revalidated, no sniffing, no referrer, the page's Content-Security-Policy).
 * The handlers are stateless and run on the request's event loop.
 */
public final class StaticPage {
  private final String directory;
  private final String contentSecurityPolicy;

  /**
   * @param directory classpath directory of the page's files, ending in {@code /}
   */
  public StaticPage(String directory, String contentSecurityPolicy) {
    this.directory = directory;
    this.contentSecurityPolicy = contentSecurityPolicy;
  }

  public Handler<RoutingContext> html(String file) {
    return serve(file, "text/html; charset=utf-8");
  }

  public Handler<RoutingContext> script(String file) {
    return serve(file, "text/javascript; charset=utf-8");
  }

  private Handler<RoutingContext> serve(String file, String type) {
    Buffer body = Buffer.buffer(read(directory + file));
    return ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, type)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("Content-Security-Policy", contentSecurityPolicy)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .end(body);
  }

  private static byte[] read(String resource) {
    try (InputStream in = StaticPage.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
