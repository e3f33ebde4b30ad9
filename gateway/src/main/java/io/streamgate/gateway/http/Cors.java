package io.streamgate.gateway.http;

import io.streamgate.gateway.config.CorsConfig;
import io.streamgate.gateway.limit.Decision;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;

/**
 * Builds the CORS stage (vertx-web {@link CorsHandler}) from {@code http.cors}. The API is
 * read-only, so only {@code GET} is allowed cross-origin; the headers a browser client needs
 * (bearer token or API key, conditional reads, request ids) are allowed, and the ones it should see
 * (ETag, rate-limit, staleness) are exposed. Credentials are never allowed: tokens travel in the
 * {@code Authorization} header, not in cookies. Preflights are answered by this stage, before
 * the token check (browsers send them without one).
 */
public final class Cors {
  static final Set<String> ALLOWED_HEADERS = Set.of(
      HttpHeaders.AUTHORIZATION.toString(), BearerAuthHandler.API_KEY,
      HttpHeaders.IF_NONE_MATCH.toString(), RequestIdHandler.HEADER);
  static final Set<String> EXPOSED_HEADERS = Set.of(
      HttpHeaders.ETAG.toString(), HttpHeaders.AGE.toString(), HttpHeaders.RETRY_AFTER.toString(),
      ETags.STALE_HEADER, RequestIdHandler.HEADER, "WWW-Authenticate",
      Decision.LIMIT, Decision.REMAINING, Decision.RESET);

  private Cors() {}

  public static CorsHandler handler(CorsConfig config) {
    CorsHandler cors = CorsHandler.create();
    if (config.allowedOrigins().contains(CorsConfig.ANY_ORIGIN)) {
      cors.addOrigin(CorsConfig.ANY_ORIGIN);
    } else {
      cors.addOrigins(config.allowedOrigins());
    }
    return cors
        .allowedMethods(Set.of(HttpMethod.GET))
        .allowedHeaders(ALLOWED_HEADERS)
        .exposedHeaders(EXPOSED_HEADERS)
        .allowCredentials(false)
        .maxAgeSeconds(config.maxAgeSeconds());
  }
}
