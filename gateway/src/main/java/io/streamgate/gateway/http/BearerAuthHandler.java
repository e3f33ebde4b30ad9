package io.streamgate.gateway.http;

import io.streamgate.gateway.auth.AuthenticationException;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.auth.TokenVerifier;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The JWT stage: takes {@code Authorization: Bearer <token>}, verifies it and stores the
 * {@link Principal} for later stages, or ends the request with 401 and a {@code WWW-Authenticate}
 * challenge (RFC 6750 §3: no {@code error} attribute when no token was sent at all). Scope
 * checks (403) belong to the route, which knows the view. Runs on the request's event loop.
 */
public final class BearerAuthHandler implements Handler<RoutingContext> {
  public static final String REALM = "streamgate";
  static final String CONTEXT_KEY = "streamgate.principal";
  private static final String SCHEME = "Bearer";
  private static final int MAX_DESCRIPTION = 200;

  private final TokenVerifier verifier;

  public BearerAuthHandler(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      ctx.fail(challenge(null, "this endpoint needs an Authorization: Bearer <token> header"));
      return;
    }
    if (!header.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
      ctx.fail(challenge(null, "the Authorization header must use the Bearer scheme"));
      return;
    }
    String token = header.substring(SCHEME.length() + 1).trim();
    if (token.isEmpty()) {
      ctx.fail(challenge("the bearer token is empty", "the bearer token is empty"));
      return;
    }
    verifier.verify(token).onComplete(ar -> ProblemHandler.guard(ctx, () -> {
      if (ar.succeeded()) {
        ctx.put(CONTEXT_KEY, ar.result());
        ctx.next();
      } else {
        String why = ar.cause() instanceof AuthenticationException
            ? ar.cause().getMessage() : "token could not be verified";
        ctx.fail(challenge(why, "invalid bearer token: " + why));
      }
    }));
  }

  /** The verified caller; only call in handlers behind this stage. */
  public static Principal principal(RoutingContext ctx) {
    Principal principal = ctx.get(CONTEXT_KEY);
    if (principal == null) {
      throw new IllegalStateException("route is not behind the bearer auth stage");
    }
    return principal;
  }

  /** The verified caller, or null before this stage or when it refused the request. */
  public static Principal principalOrNull(RoutingContext ctx) {
    return ctx.get(CONTEXT_KEY);
  }

  /**
   * @param error null when no token was presented, else why the token is refused
   */
  private static HttpProblem challenge(String error, String detail) {
    String value = "Bearer realm=\"" + REALM + "\"";
    if (error != null) {
      value += ", error=\"invalid_token\", error_description=\"" + quotable(error) + "\"";
    }
    return new HttpProblem(ProblemType.UNAUTHORIZED, detail,
        Map.of("WWW-Authenticate", value));
  }

  /** RFC 6750 limits error_description to printable ASCII without '"' and '\'. */
  private static String quotable(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_DESCRIPTION));
    for (int i = 0; i < text.length() && out.length() < MAX_DESCRIPTION; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '\'');
    }
    return out.toString();
  }
}
