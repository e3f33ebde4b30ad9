package io.streamgate.gateway.http;

import io.streamgate.gateway.auth.Access;
import io.vertx.core.http.HttpHeaders;
import java.util.Map;

/**
 * A request that ends in a problem response. Handlers pass it to {@code ctx.fail(...)}; the
 * failure handler ({@link ProblemHandler}) writes it. No stack trace: it is an answer, not a bug.
 *
 * @param detail  for the client, specific to this occurrence; never internals or secrets
 * @param headers extra response headers (e.g. {@code WWW-Authenticate}, {@code Retry-After})
 */
public final class HttpProblem extends RuntimeException {
  private final ProblemType type;
  private final transient Map<String, String> headers;
  private final transient Map<String, Object> extensions;

  public HttpProblem(ProblemType type, String detail) {
    this(type, detail, Map.of());
  }

  public HttpProblem(ProblemType type, String detail, Map<String, String> headers) {
    this(type, detail, headers, Map.of());
  }

  /**
   * @param extensions extra members of the problem object (RFC 9457 §3.2), e.g. the violations
   *                   of an event batch; JSON-writable values ({@code Json.write})
   */
  public HttpProblem(ProblemType type, String detail, Map<String, String> headers,
      Map<String, Object> extensions) {
    super(detail, null, false, false);
    this.type = type;
    this.headers = Map.copyOf(headers);
    this.extensions = extensions;
  }

  /**
   * The problem for an access refusal: the one mapping of {@link Access.Kind}s to problem types
   * (REST reads, SSE, event ingest), with the refusal's message as detail.
   */
  public static HttpProblem refused(Access.Refusal refusal) {
    return switch (refusal.kind()) {
      case INVALID -> new HttpProblem(ProblemType.BAD_REQUEST, refusal.message());
      case FORBIDDEN -> new HttpProblem(ProblemType.FORBIDDEN, refusal.message());
      case NOT_FOUND -> new HttpProblem(ProblemType.NOT_FOUND, refusal.message());
      case UNAVAILABLE -> new HttpProblem(ProblemType.STORE_UNAVAILABLE, refusal.message(),
          Map.of(HttpHeaders.RETRY_AFTER.toString(),
              ProblemHandler.RETRY_AFTER_SECONDS));
    };
  }

  public ProblemType type() {
    return type;
  }

  public String detail() {
    return getMessage();
  }

  public Map<String, String> headers() {
    return headers;
  }

  public Map<String, Object> extensions() {
    return extensions;
  }
}
