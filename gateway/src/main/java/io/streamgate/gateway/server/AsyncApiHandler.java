package io.streamgate.gateway.server;

import io.streamgate.gateway.catalog.Catalog;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /asyncapi.json}: the AsyncAPI 3.0 description of the push protocols (WebSocket
 * {@code /v1/ws}, SSE {@code /v1/views/{view}/{key}/events}; docs/push.md is their prose), without
 * a token. The resource {@value #RESOURCE} next to this class, its messages listed in their
 * operations and row values typed per view ({@link AsyncApiSchemas}); served, cached and
 * revalidated by ETag as a {@link CatalogDocument}. Thread-safe; runs on the request's event
 * loop.
 */
public final class AsyncApiHandler implements Handler<RoutingContext> {
  static final String RESOURCE = "asyncapi.json";

  /** Holder idiom: the resource is read once, on first use. */
  private static final class Document {
    static final Buffer JSON = CatalogDocument.load(AsyncApiHandler.class, RESOURCE);
  }

  /** The static document's text, before its messages are listed and typed. */
  public static String document() {
    return Document.JSON.toString();
  }

  private final CatalogDocument served;

  /** @param catalog whose views are typed in the document; null for none */
  public AsyncApiHandler(Catalog catalog) {
    this.served = new CatalogDocument(catalog, Document.JSON, AsyncApiSchemas::document);
  }

  @Override
  public void handle(RoutingContext ctx) {
    served.handle(ctx);
  }
}
