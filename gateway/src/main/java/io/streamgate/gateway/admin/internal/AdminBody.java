package io.streamgate.gateway.admin.internal;

import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * An admin request's body, at most {@value #MAX_BYTES} bytes: held unread from before the token
 * check (data arriving while the token is verified would otherwise be lost), read only by the
 * handlers that need it. A request answered without reading its body (401, 403, a GET with a
 * body) gets {@code Connection: close}, and its rest is read and dropped until the client stops
 * sending or {@value #LINGER_MS} ms pass, so the refusal is not destroyed by a reset. Runs on the
 * request's event loop.
 */
final class AdminBody {
  /** Pipelines are small; 1 MiB is far more than any real one. */
  static final int MAX_BYTES = 1 << 20;
  static final long LINGER_MS = 2_000;
  private static final String READING = "streamgate.admin.reading";

  private AdminBody() {}

  static void hold(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      return;
    }
    request.pause();
    ctx.addHeadersEndHandler(v -> {
      if (request.isEnded() || Boolean.TRUE.equals(ctx.get(READING))) {
        return;
      }
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      ctx.addBodyEndHandler(x -> {
        long timer = ctx.vertx().setTimer(LINGER_MS, t -> request.connection().close());
        request.handler(chunk -> { }).endHandler(end -> {
          ctx.vertx().cancelTimer(timer);
          request.connection().close();
        }).resume();
      });
    });
  }

  /** Reads the whole body, then calls {@code onBody}; past the limit the request fails (413). */
  static void read(RoutingContext ctx, Handler<Buffer> onBody) {
    HttpServerRequest request = ctx.request();
    if (declaredLength(request) > MAX_BYTES) {
      throw tooLarge();
    }
    if (request.isEnded()) {
      onBody.handle(Buffer.buffer());
      return;
    }
    ctx.put(READING, true);
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    request.handler(chunk -> {
      if (over[0]) {
        return;
      }
      if (body.length() + chunk.length() > MAX_BYTES) {
        over[0] = true;
        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        ctx.fail(tooLarge());
        return;
      }
      body.appendBuffer(chunk);
    });
    request.endHandler(v -> {
      if (!over[0]) {
        onBody.handle(body);
      }
    });
    request.exceptionHandler(e -> over[0] = true);
    request.resume();
  }

  /** The declared Content-Length, or -1 when absent (chunked) or unreadable. */
  private static long declaredLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return header == null ? -1 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static HttpProblem tooLarge() {
    return new HttpProblem(ProblemType.PAYLOAD_TOO_LARGE,
        "an admin request body may be at most " + MAX_BYTES + " bytes");
  }
}
