package io.streamgate.gateway.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Cross-origin reads from browsers (CORS). Off when {@code allowedOrigins} is empty (the
 * default): no CORS headers, and a browser on another origin cannot read responses.
 *
 * @param allowedOrigins origins allowed to read, each {@code scheme://host[:port]}, or just
 *                       {@code "*"} for any origin (fine for bearer tokens: no cookies are
 *                       involved, so credentials are never allowed)
 * @param maxAgeSeconds  how long a browser may cache a preflight answer
 */
public record CorsConfig(List<String> allowedOrigins, int maxAgeSeconds) {
  public static final int DEFAULT_MAX_AGE_SECONDS = 600;
  public static final int MAX_MAX_AGE_SECONDS = 86_400;
  public static final String ANY_ORIGIN = "*";
  private static final Pattern ORIGIN = Pattern.compile("[a-z][a-z0-9+.-]*://[^/?#\\s*]+");

  public CorsConfig {
    allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    for (int i = 0; i < allowedOrigins.size(); i++) {
      String origin = allowedOrigins.get(i);
      if (origin.equals(ANY_ORIGIN)) {
        if (allowedOrigins.size() > 1) {
          throw new ConfigException("allowedOrigins",
              "must be either [\"*\"] or a list of origins, not both");
        }
      } else if (!ORIGIN.matcher(origin).matches()) {
        throw new ConfigException("allowedOrigins[" + i + "]", "must be an origin like"
            + " https://app.example.com (scheme://host[:port], no path), or \"*\", but was '"
            + origin + "'");
      }
    }
    if (maxAgeSeconds < 0 || maxAgeSeconds > MAX_MAX_AGE_SECONDS) {
      throw new ConfigException("maxAgeSeconds",
          "must be 0-" + MAX_MAX_AGE_SECONDS + ", but was " + maxAgeSeconds);
    }
  }

  /** CORS off. */
  public static CorsConfig off() {
    return new CorsConfig(List.of(), DEFAULT_MAX_AGE_SECONDS);
  }

  public boolean enabled() {
    return !allowedOrigins.isEmpty();
  }
}
