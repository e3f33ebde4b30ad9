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

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of the API, without a token. The
 * document is the resource {@value #RESOURCE} next to this class (the generic API, read once per
 * process at startup) plus, per view in the catalog, its typed row schemas and paths
 * ({@link ViewSchemas}). The rendered document is cached and rebuilt, from memory only, by the
 * first request that finds the catalog's views changed; its ETag is a hash of its bytes and a
 * matching {@code If-None-Match} is a 304. Thread-safe; runs on the request's event loop.
 */
public final class OpenApiHandler implements Handler<RoutingContext> {
  static final String RESOURCE = "openapi.json";

  /** Holder idiom: the resource is read once, on first use. */
  private static final class Document {
    static final Buffer JSON = load();
  }

  /** The static document's text, without views (tests compare it with the router's routes). */
  public static String document() {
    return Document.JSON.toString();
  }

  /** One rendering, for the catalog's {@code views} it was built from. */
  private record Rendered(List<CatalogEntry> views, Buffer json, String etag) {}

  private final Catalog catalog;
  private final JsonObject base;
  private volatile Rendered rendered;

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
    this.catalog = catalog;
    this.base = new JsonObject(Document.JSON);
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
    Buffer json = views.isEmpty()
        ? Document.JSON
        : ViewSchemas.document(base, views).toBuffer();
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
