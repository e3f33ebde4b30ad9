package io.streamgate.gateway.config;

import java.net.URI;

/**
 * A JSON Web Key Set endpoint that publishes the signing keys of one token issuer (an identity
 * provider). Keys are fetched in the background and selected by {@code kid}, so the issuer can
 * rotate them without a gateway restart.
 *
 * @param url               the JWKS document, {@code https://} (or {@code http://} for tests and
 *                          private networks)
 * @param issuer            the {@code iss} of tokens these keys sign; null means
 *                          {@code auth.issuer}
 * @param refreshSeconds    how often the set is fetched again in the background
 * @param minRefetchSeconds a token naming an unknown {@code kid} triggers at most one early fetch
 *                          per this interval, so a flood of made-up kids cannot hammer the issuer
 * @param timeoutMs         bound on one fetch (connect plus response)
 */
public record JwksConfig(URI url, String issuer, int refreshSeconds, int minRefetchSeconds,
    int timeoutMs) {
  public static final int DEFAULT_REFRESH_SECONDS = 300;
  public static final int DEFAULT_MIN_REFETCH_SECONDS = 30;
  public static final int DEFAULT_TIMEOUT_MS = 5000;

  public JwksConfig {
    if (url == null) {
      throw new ConfigException("url", "must be set");
    }
    String scheme = url.getScheme();
    if (!"https".equals(scheme) && !"http".equals(scheme) || url.getHost() == null) {
      throw new ConfigException("url", "must be an absolute http(s) URL, but was '" + url + "'");
    }
    if (issuer != null && issuer.isBlank()) {
      throw new ConfigException("issuer", "must not be empty (omit it to use auth.issuer)");
    }
    if (refreshSeconds < 10 || refreshSeconds > 86_400) {
      throw new ConfigException("refreshSeconds", "must be 10-86400, but was " + refreshSeconds);
    }
    if (minRefetchSeconds < 1 || minRefetchSeconds > refreshSeconds) {
      throw new ConfigException("minRefetchSeconds",
          "must be 1-refreshSeconds (" + refreshSeconds + "), but was " + minRefetchSeconds);
    }
    if (timeoutMs < 100 || timeoutMs > 60_000) {
      throw new ConfigException("timeoutMs", "must be 100-60000, but was " + timeoutMs);
    }
  }

  public static JwksConfig of(URI url, String issuer) {
    return new JwksConfig(url, issuer, DEFAULT_REFRESH_SECONDS, DEFAULT_MIN_REFETCH_SECONDS,
        DEFAULT_TIMEOUT_MS);
  }

  public JwksConfig withIssuerDefault(String defaultIssuer) {
    return issuer != null ? this
        : new JwksConfig(url, defaultIssuer, refreshSeconds, minRefetchSeconds, timeoutMs);
  }
}
