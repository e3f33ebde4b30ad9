package io.streamgate.gateway.server;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.gateway.catalog.Catalog;
import io.streamgate.gateway.http.ETags;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A JSON description of the API served without a token ({@code /openapi.json},
 * {@code /asyncapi.json}): a static document (a resource, read once per process) typed per view
 * from the catalog. The rendered document is cached and rebuilt, from memory only, by the first
 * request that finds the catalog's views changed; its ETag is a hash of its bytes and a matching
 * {@code If-None-Match} is a 304. Thread-safe; runs on the request's event loop.
 */
final class CatalogDocument implements Handler<RoutingContext> {

  /** One rendering, for the catalog's {@code views} it was built from. */
  private record Rendered(List<CatalogEntry> views, Buffer json, String etag) {}

  private final Catalog catalog;
  private final Buffer document;
  private final JsonObject base;
  private final BiFunction<JsonObject, List<CatalogEntry>, JsonObject> typed;
  private volatile Rendered rendered;

  /**
   * @param catalog  whose views are typed in the document; null for none
   * @param document the static document
   * @param typed    the document typed for the views (pure; must not modify the base it gets,
   *                 may return it as it is)
   */
  CatalogDocument(Catalog catalog, Buffer document,
      BiFunction<JsonObject, List<CatalogEntry>, JsonObject> typed) {
    this.catalog = catalog;
    this.document = document;
    this.base = new JsonObject(document);
    this.typed = typed;
    this.rendered = render(List.of());
  }

  @Override
  public void handle(RoutingContext ctx) {
    Rendered current = current();
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        // The document changes with the catalog: revalidate (cheap, by ETag) before each use.
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader(HttpHeaders.ETAG, current.etag());
    if (ETags.matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), current.etag())) {
      ctx.response().setStatusCode(304).end();
    } else {
      ctx.response().end(current.json());
    }
  }

  /**
   * The rendering for the catalog's views now. The catalog hands out a new list only when it
   * re-reads Redis, so the identity check is the usual answer; an equal list (a refresh that
   * changed nothing) keeps the rendering. Two event loops may rebuild at once: same result.
   */
  private Rendered current() {
    Rendered last = rendered;
    List<CatalogEntry> views = catalog == null ? List.of() : catalog.views();
    if (views == last.views()) {
      return last;
    }
    Rendered next = views.equals(last.views())
        ? new Rendered(views, last.json(), last.etag())
        : render(views);
    rendered = next;
    return next;
  }

  private Rendered render(List<CatalogEntry> views) {
    JsonObject doc = typed.apply(base, views);
    // The base itself back (nothing to type): the resource's own bytes, as written.
    Buffer json = doc == base ? document : doc.toBuffer();
    return new Rendered(views, json, etag(json));
  }

  static String etag(Buffer json) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(json.getBytes());
      return "\"" + HexFormat.of().formatHex(hash, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** A resource next to {@code owner}; a missing one means a broken jar. */
  static Buffer load(Class<?> owner, String resource) {
    try (InputStream in = owner.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing next to "
            + owner.getName() + "; the gateway jar is incomplete, rebuild it");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + resource, e);
    }
  }
}
