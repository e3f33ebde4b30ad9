package io.streamgate.gateway.server;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of the API, kept as the resource
 * {@value #RESOURCE} next to this class and served as is, without a token. The document is read
 * once per process, when the first router is built (startup), never per request. Thread-safe;
 * runs on the request's event loop.
 */
public final class OpenApiHandler implements Handler<RoutingContext> {
  static final String RESOURCE = "openapi.json";

  /** Holder idiom: the resource is read once, on first use. */
  private static final class Document {
    static final Buffer JSON = load();
  }

  /** The document's text (tests compare it with the router's routes). */
  public static String document() {
    return Document.JSON.toString();
  }

  private final Buffer json;

  /** Reads the document on first use, so a broken jar fails at startup, not per request. */
  public OpenApiHandler() {
    this.json = Document.JSON;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=300")
        .end(json);
  }

  private static Buffer load() {
    try (InputStream in = OpenApiHandler.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing next to "
            + OpenApiHandler.class.getName() + "; the gateway jar is incomplete, rebuild it");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + RESOURCE, e);
    }
  }
}
