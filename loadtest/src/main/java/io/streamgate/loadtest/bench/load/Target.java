package io.streamgate.loadtest.bench.load;

import java.net.URI;

/**
 * Where the load goes: {@code http(s)://host:port} plus an optional base path prepended to
 * every request path. Immutable.
 */
public record Target(String url, boolean tls, String host, int port, String basePath) {

  /** Parses {@code http://host[:port][/base]}; the message names the problem. */
  public static Target parse(String url) {
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--target must be a URL like http://127.0.0.1:8080, but was '" + url + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException("--target must be a URL like http://127.0.0.1:8080, but was '" + url + "'");
    }
    boolean tls = scheme.equals("https");
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new Target(url.strip(), tls, uri.getHost(), port, path);
  }

  /** The request path for {@code path} (starting with '/') under this target's base path. */
  public String path(String path) {
    return basePath + path;
  }
}
