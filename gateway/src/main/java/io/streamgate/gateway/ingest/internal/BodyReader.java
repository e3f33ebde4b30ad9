package io.streamgate.gateway.ingest.internal;

import io.streamgate.gateway.http.HttpProblem;
import io.streamgate.gateway.http.ProblemType;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads an ingest request's body with a size limit, without vertx-web's {@code BodyHandler}
 * (which buffers before any check). The body is paused before the token check
 * ({@link #hold}), so a request refused by a check is never read; a body over the limit is cut
 * off at the first chunk past it. Runs on the request's event loop.
 */
public final class BodyReader {
  private static final String READING = "streamgate.ingest.reading";
  private static final String CLOSE = "streamgate.ingest.close";
  /** How long a refused body may keep arriving (and be dropped) before the connection closes. */
  static final long LINGER_MS = 2_000;

  private BodyReader() {}

  /**
   * The stage before the token check: pauses the body (unread data would otherwise be dropped
   * while the token is verified) and makes sure a request answered without reading its body
   * leaves the connection usable: a small rest is read and dropped, anything else closes the
   * connection after the answer.
   */
  public static void hold(RoutingContext ctx, long maxBodyBytes) {
    HttpServerRequest request = ctx.request();
    if (!request.isEnded()) {
      request.pause();
      ctx.addHeadersEndHandler(v -> {
        if (request.isEnded()) {
          return;
        }
        boolean reading = Boolean.TRUE.equals(ctx.get(READING));
        boolean cutOff = Boolean.TRUE.equals(ctx.get(CLOSE));
        if (cutOff || (!reading && request.version() != HttpVersion.HTTP_2
            && !smallAndSent(request, maxBodyBytes))) {
          // Reading an unbounded rest just to drop it would do the work the check saved.
          ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
          ctx.addBodyEndHandler(x -> lingerThenClose(ctx, request));
        } else if (!reading) {
          request.handler(chunk -> { }).resume();
        }
      });
    }
    ctx.next();
  }

  /**
   * Closes the connection once the client has stopped sending, or after {@link #LINGER_MS}.
   * Closing a socket with unread request bytes makes the kernel answer with a reset, which can
   * destroy the refusal before the client reads it ("header parser received no bytes"); the rest
   * of the body is read and dropped meanwhile, never kept.
   */
  private static void lingerThenClose(RoutingContext ctx, HttpServerRequest request) {
    HttpConnection connection = request.connection();
    if (request.isEnded()) {
      connection.close();
      return;
    }
    long timer = ctx.vertx().setTimer(LINGER_MS, t -> connection.close());
    request.handler(chunk -> { })
        .endHandler(v -> {
          ctx.vertx().cancelTimer(timer);
          connection.close();
        })
        .resume();
  }

  /** A declared length within the limit and no 100-continue (the client sends the body now). */
  private static boolean smallAndSent(HttpServerRequest request, long maxBodyBytes) {
    long length = contentLength(request);
    return length >= 0 && length <= maxBodyBytes
        && !"100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT));
  }

  /** The declared Content-Length, or -1 when absent (chunked) or unreadable. */
  static long contentLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Reads the whole body, at most {@code maxBytes}, then calls {@code onBody}; past the limit the
   * request fails with 413 and the connection is closed after the answer.
   */
  static void read(RoutingContext ctx, int maxBytes, Handler<Buffer> onBody) {
    HttpServerRequest request = ctx.request();
    long declared = contentLength(request);
    if (declared > maxBytes) {
      throw tooLarge(declared, maxBytes);
    }
    if (request.isEnded()) {
      onBody.handle(Buffer.buffer());
      return;
    }
    ctx.put(READING, true);
    if (request.version() != HttpVersion.HTTP_1_0
        && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      ctx.response().writeContinue();
    }
    Buffer body = Buffer.buffer(declared > 0 ? (int) declared : 1024);
    boolean[] over = {false};
    request.handler(chunk -> {
      if (over[0]) {
        return;
      }
      if (body.length() + chunk.length() > maxBytes) {
        over[0] = true;
        ctx.put(CLOSE, true);
        ctx.fail(tooLarge(-1, maxBytes));
        return;
      }
      body.appendBuffer(chunk);
    });
    request.endHandler(v -> {
      if (!over[0]) {
        onBody.handle(body);
      }
    });
    // The client went away mid-body: nobody is left to answer, and it is not our error to log.
    request.exceptionHandler(e -> over[0] = true);
    request.resume();
  }

  private static HttpProblem tooLarge(long declared, int maxBytes) {
    return new HttpProblem(ProblemType.PAYLOAD_TOO_LARGE, (declared >= 0
        ? "the body is " + declared + " bytes; " : "the body is larger than allowed; ")
        + "at most " + maxBytes + " bytes per request (send smaller batches)");
  }
}
