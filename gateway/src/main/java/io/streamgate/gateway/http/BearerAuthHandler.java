package io.streamgate.gateway.http;

import io.streamgate.gateway.auth.AuthenticationException;
import io.streamgate.gateway.auth.Principal;
import io.streamgate.gateway.auth.TokenVerifier;
import io.streamgate.gateway.auth.TooManyFailuresException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The credential stage: takes {@code Authorization: Bearer <token>} or {@code X-API-Key: <key>}
 * (both at once is a 400), verifies it and stores the {@link Principal} for later stages, or
 * ends the request with 401 and a {@code WWW-Authenticate} challenge (RFC 6750 §3: no
 * {@code error} attribute when no credential was sent at all); a client address with too many
 * wrong API keys lately gets 429 with {@code Retry-After}, its key unchecked. Scope checks (403)
 * belong to the route, which knows the view. Runs on the request's event loop; a key is checked
 * in memory, a token possibly asynchronously.
 */
public final class BearerAuthHandler implements Handler<RoutingContext> {
  public static final String REALM = "streamgate";
  /** The header carrying an API key. */
  public static final String API_KEY = "X-API-Key";
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
    String apiKey = ctx.request().getHeader(API_KEY);
    if (apiKey != null) {
      if (header != null) {
        ctx.fail(new HttpProblem(ProblemType.BAD_REQUEST, "send one credential: either"
            + " Authorization: Bearer <token> or " + API_KEY + ", not both"));
        return;
      }
      apiKey(ctx, apiKey.trim());
      return;
    }
    if (header == null) {
      ctx.fail(challenge(null, "this endpoint needs an Authorization: Bearer <token> or an "
          + API_KEY + " header"));
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

  private void apiKey(RoutingContext ctx, String key) {
    Principal principal;
    try {
      principal = verifier.verifyApiKey(key, clientAddress(ctx.request()));
    } catch (TooManyFailuresException e) {
      ctx.fail(new HttpProblem(ProblemType.TOO_MANY_REQUESTS, e.getMessage(),
          Map.of(HttpHeaders.RETRY_AFTER.toString(), Long.toString(e.retryAfterSeconds()))));
      return;
    } catch (AuthenticationException e) {
      ctx.fail(challenge(e.getMessage(), "invalid API key: " + e.getMessage()));
      return;
    }
    ctx.put(CONTEXT_KEY, principal);
    ctx.next();
  }

  /** The client's IP address, the unit of limits on failed credential checks. */
  public static String clientAddress(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    return remote == null ? "-" : remote.hostAddress();
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
