package io.streamgate.loadtest.bench.load;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * A pooled, non-blocking HTTP/1.1 client for one {@link Target}: keep-alive connections up to
 * {@code connections}, requests beyond that wait in the pool's queue (their wait is part of the
 * measured latency; the open model keeps its own queue instead, see {@link SendBacklog}). Safe to
 * call from any event loop; close it when done.
 */
public final class Http implements AutoCloseable {
  /** A finished exchange: status, headers and the whole body. */
  public record Response(int status, MultiMap headers, Buffer body) {}

  private final HttpClientAgent client;
  private final Target target;
  private final String authorization;
  private final long timeoutMs;

  public Http(Vertx vertx, Target target, int connections, String token, long timeoutMs, boolean insecure) {
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setSsl(target.tls()).setTrustAll(insecure)
            .setVerifyHost(!insecure).setDefaultHost(target.host()).setDefaultPort(target.port()),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    this.target = target;
    this.authorization = token == null ? null : "Bearer " + token;
    this.timeoutMs = timeoutMs;
  }

  public Target target() {
    return target;
  }

  /** Sends a request to {@code path} under the target; the future fails only on I/O errors or timeout. */
  public Future<Response> send(HttpMethod method, String path, String contentType, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(target.host()).setPort(target.port())
        .setURI(target.path(path)).setTimeout(timeoutMs);
    if (authorization != null) {
      options.putHeader("Authorization", authorization);
    }
    if (contentType != null) {
      options.putHeader("Content-Type", contentType);
    }
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(b -> new Response(response.statusCode(), response.headers(), b)));
  }

  public Future<Response> get(String path) {
    return send(HttpMethod.GET, path, null, null);
  }

  /** Maps a response to success when its status is {@code expected}, else a {@code http_<status>} failure. */
  public static Future<Response> expect(Future<Response> response, int expected) {
    return response.compose(r -> r.status() == expected ? Future.succeededFuture(r)
        : Future.failedFuture(new ProbeFailure("http_" + r.status(), "HTTP " + r.status())));
  }

  @Override
  public void close() {
    client.close();
  }
}
