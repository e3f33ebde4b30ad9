package io.streamgate.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Tells the gateway's own warm-up requests (sent over loopback before readiness) from clients'.
 * They carry {@value #HEADER} with a secret drawn once per process, so no client can pass for
 * one. {@link #stage()}, the chain's first stage, is the one place that recognises them; the
 * stages that must not count them (request metrics, access log, usage, rate limit) ask
 * {@link #is}. They still run the rest of their code, which is what the warm-up is for.
 * Stateless apart from the secret; thread-safe.
 */
public final class WarmupMark {
  public static final String HEADER = "Streamgate-Warmup";
  private static final String CONTEXT_KEY = "streamgate.warmup";
  private static final byte[] SECRET = new byte[16];

  static {
    new SecureRandom().nextBytes(SECRET);
  }

  private static final String SECRET_TEXT = HexFormat.of().formatHex(SECRET);

  private WarmupMark() {}

  /** The value of {@value #HEADER} that marks a warm-up request of this process. */
  public static String secret() {
    return SECRET_TEXT;
  }

  /** First stage: marks a request whose {@value #HEADER} is this process's secret. */
  public static Handler<RoutingContext> stage() {
    return ctx -> {
      String value = ctx.request().getHeader(HEADER);
      if (value != null && MessageDigest.isEqual(
          value.getBytes(StandardCharsets.US_ASCII), SECRET_TEXT.getBytes(StandardCharsets.US_ASCII))) {
        ctx.put(CONTEXT_KEY, Boolean.TRUE);
      }
      ctx.next();
    };
  }

  /** True for a warm-up request (marked by {@link #stage()}). */
  public static boolean is(RoutingContext ctx) {
    return ctx.get(CONTEXT_KEY) != null;
  }
}
