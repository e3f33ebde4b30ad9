package io.streamgate.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * First stage: gives every request an id, echoed in {@value #HEADER} on every response and in
 * every log line about it. A caller's id is kept if it is sane (so ids can follow a request
 * across services), otherwise replaced: it ends up in logs, so no control characters or
 * megabyte strings. Stateless; runs on the request's event loop.
 */
public final class RequestIdHandler implements Handler<RoutingContext> {
  public static final String HEADER = "X-Request-Id";
  private static final CharSequence HEADER_NAME = HttpHeaders.createOptimized(HEADER);
  static final String CONTEXT_KEY = "streamgate.requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");

  @Override
  public void handle(RoutingContext ctx) {
    String id = ctx.request().getHeader(HEADER);
    if (id == null || !SANE.matcher(id).matches()) {
      id = generate();
    }
    ctx.put(CONTEXT_KEY, id);
    ctx.response().headers().add(HEADER_NAME, id);
    ctx.next();
  }

  /** The request's id (or "-" before this stage ran). */
  public static String of(RoutingContext ctx) {
    String id = ctx.get(CONTEXT_KEY);
    return id == null ? "-" : id;
  }

  /** 32 hex digits, written straight into one string (it took three strings before). */
  static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] digits = new byte[32];
    hex(random.nextLong() | Long.MIN_VALUE, digits, 0);
    hex(random.nextLong() | Long.MIN_VALUE, digits, 16);
    return new String(digits, StandardCharsets.ISO_8859_1);
  }

  private static void hex(long value, byte[] out, int at) {
    for (int i = at + 15; i >= at; i--, value >>>= 4) {
      out[i] = (byte) "0123456789abcdef".charAt((int) (value & 0xF));
    }
  }
}
