package io.streamgate.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * One HTTP server instance on its own event loop. Several instances on the same host and port
 * share the listening socket (Vert.x balances connections across them), which is how the
 * gateway uses every core without any locking in handlers.
 */
public final class HttpServerVerticle extends VerticleBase {
  private final String host;
  private final int port;
  private final GatewayRouter.Services services;
  private HttpServer server;

  public HttpServerVerticle(String host, int port, GatewayRouter.Services services) {
    this.host = host;
    this.port = port;
    this.services = services;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(GatewayRouter.create(vertx, services));
    return server.listen();
  }

  /** The bound port, once started. */
  public int actualPort() {
    return server.actualPort();
  }
}
