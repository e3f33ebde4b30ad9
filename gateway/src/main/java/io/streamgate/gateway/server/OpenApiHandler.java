package io.streamgate.gateway.server;

import io.streamgate.gateway.catalog.Catalog;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of the API, without a token. The
 * document is the resource {@value #RESOURCE} next to this class (the generic API) plus, per
 * view in the catalog, its typed row schemas and paths ({@link ViewSchemas}); served, cached and
 * revalidated by ETag as a {@link CatalogDocument}. Thread-safe; runs on the request's event
 * loop.
 */
public final class OpenApiHandler implements Handler<RoutingContext> {
  static final String RESOURCE = "openapi.json";

  /** Holder idiom: the resource is read once, on first use. */
  private static final class Document {
    static final Buffer JSON = CatalogDocument.load(OpenApiHandler.class, RESOURCE);
  }

  /** The static document's text, without views (tests compare it with the router's routes). */
  public static String document() {
    return Document.JSON.toString();
  }

  private final CatalogDocument served;

  /** The static document only (no catalog). */
  public OpenApiHandler() {
    this(null);
  }

  /**
   * Reads the document on first use, so a broken jar fails at startup, not per request.
   *
   * @param catalog whose views are typed in the document; null for none
   */
  public OpenApiHandler(Catalog catalog) {
    this.served = new CatalogDocument(catalog, Document.JSON,
        (base, views) -> views.isEmpty() ? base : ViewSchemas.document(base, views));
  }

  @Override
  public void handle(RoutingContext ctx) {
    served.handle(ctx);
  }
}
