package io.streamgate.gateway.server;

import io.streamgate.contract.Names;
import io.streamgate.gateway.config.HttpConfig;
import io.streamgate.gateway.config.TlsConfig;
import io.streamgate.gateway.graphql.GraphQLApi;
import io.streamgate.gateway.http.HeadTimeout;
import io.streamgate.gateway.http.ProblemHandler;
import io.streamgate.gateway.rest.Rest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One HTTP server instance on its own event loop. Several instances on the same host and port
 * share the listening socket (Vert.x balances connections across them), which is how the
 * gateway uses every core without any locking in handlers.
 *
 * <p>Undeploying it shuts the server down gracefully: the listening socket is closed at once (new
 * connections are refused), requests in flight may finish for up to {@code shutdownGraceMs},
 * then the remaining connections are closed ({@link HttpServer#shutdown(long, TimeUnit)}).
 */
public final class HttpServerVerticle extends VerticleBase {
  /**
   * Longest request line: a multi-get of {@link Rest#MAX_KEYS} keys of
   * {@link Names#MAX_KEY_LENGTH} characters, each character 4 UTF-8 bytes percent-encoded (12
   * ASCII characters), a 3-character {@code %2C} between keys, plus 4 KiB for the method, path,
   * other parameters and version: 311,596 bytes (Vert.x's default, 4 KiB, did not fit 100 keys
   * of 40 characters). Netty grows its line buffer as bytes arrive, so the limit costs only what
   * a client sends, and the head timeout bounds how long it may take.
   */
  public static final int MAX_REQUEST_LINE_BYTES =
      Rest.MAX_KEYS * (Names.MAX_KEY_LENGTH * 12 + 3) + 4096;
  private final String host;
  private final int port;
  private final long shutdownGraceMs;
  private final TlsConfig tls;
  private final Function<Vertx, Handler<HttpServerRequest>> handler;
  private HttpServer server;
  private int maxHeaderBytes = HttpServerOptions.DEFAULT_MAX_HEADER_SIZE;
  private int idleTimeoutMs = HttpConfig.DEFAULT_IDLE_TIMEOUT_MS;
  private int headTimeoutMs = HttpConfig.DEFAULT_HEAD_TIMEOUT_MS;

  /**
   * @param tls null for plain HTTP
   */
  public HttpServerVerticle(String host, int port, GatewayRouter.Services services,
      long shutdownGraceMs, TlsConfig tls, int maxTokenBytes) {
    this(host, port, shutdownGraceMs, tls, vertx -> GatewayRouter.create(vertx, services));
    // Room for the largest accepted token plus ordinary headers: a token over the limit must
    // reach the auth handler (401 naming the limit), not Vert.x's header limit (a bare 431).
    this.maxHeaderBytes = Math.max(HttpServerOptions.DEFAULT_MAX_HEADER_SIZE,
        maxTokenBytes * 2 + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE);
  }

  /**
   * The management listener ({@link ManagementRouter}): plain HTTP, even when the public port
   * has TLS, as it is meant for loopback or a private network.
   */
  public static HttpServerVerticle management(String host, int port,
      ManagementRouter.Services services, long shutdownGraceMs) {
    return new HttpServerVerticle(host, port, shutdownGraceMs, null,
        vertx -> ManagementRouter.create(vertx, services));
  }

  /** With any request handler (tests); {@code handler} is called once, in {@link #start()}. */
  HttpServerVerticle(String host, int port, long shutdownGraceMs, TlsConfig tls,
      Function<Vertx, Handler<HttpServerRequest>> handler) {
    this.tls = tls;
    this.host = host;
    this.port = port;
    this.shutdownGraceMs = shutdownGraceMs;
    this.handler = handler;
  }

  /** {@code http.idleTimeoutMs} and {@code http.headTimeoutMs}; call before deploying. */
  public HttpServerVerticle withTimeouts(int newIdleTimeoutMs, int newHeadTimeoutMs) {
    this.idleTimeoutMs = newIdleTimeoutMs;
    this.headTimeoutMs = newHeadTimeoutMs;
    return this;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
        .setMaxHeaderSize(maxHeaderBytes)
        .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
        // Neither read nor write for this long: closed. Push heartbeats are writes.
        .setIdleTimeout(idleTimeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        // Chosen when a client offers it (the graphql-ws client requires it); push uses none.
        .setWebSocketSubProtocols(List.of(GraphQLApi.SUBPROTOCOL));
    // The same limit for HTTP/2 (h2c upgrade or TLS with ALPN) as for HTTP/1.1.
    options.getInitialSettings().setMaxHeaderListSize(maxHeaderBytes);
    if (tls != null) {
      // Read by Vert.x when the server starts (deployment, not a request); HTTP/2 via ALPN.
      options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString()));
    }
    server = vertx.createHttpServer(options)
        // Requests Vert.x cannot decode (line or headers too long) never reach the router.
        .invalidRequestHandler(ProblemHandler.invalidRequest())
        .connectionHandler(HeadTimeout.install(headTimeoutMs))
        .requestHandler(handler.apply(vertx));
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(shutdownGraceMs, TimeUnit.MILLISECONDS);
  }

  /** The bound port, once started. */
  public int actualPort() {
    return server.actualPort();
  }
}
