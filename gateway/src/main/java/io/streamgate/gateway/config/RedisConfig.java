package io.streamgate.gateway.config;

import io.streamgate.contract.Keyspace;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;

/**
 * The Redis that holds the views: one server (or a primary behind a stable address), or a Redis
 * Cluster.
 *
 * @param url         {@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS;
 *                    for a cluster, one or more seed nodes separated by commas (the client
 *                    discovers the rest from {@code CLUSTER SLOTS})
 * @param namespace   key prefix shared with the processor ({@link Keyspace})
 * @param timeoutMs   upper bound for connecting and for every command; past it a request gets 503
 * @param poolSize    pooled connections for reads
 * @param poolWaiting requests that may queue for a pooled connection before failing fast
 * @param mode        {@link #STANDALONE} or {@link #CLUSTER}
 */
public record RedisConfig(String url, String namespace, int timeoutMs, int poolSize, int poolWaiting,
    String mode) {
  public static final String STANDALONE = "standalone";
  public static final String CLUSTER = "cluster";
  public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
  public static final String DEFAULT_NAMESPACE = Keyspace.DEFAULT_PREFIX;
  public static final int DEFAULT_TIMEOUT_MS = 1000;
  public static final int MAX_TIMEOUT_MS = 60_000;
  /** Pipelining makes a handful of connections enough for thousands of requests per second. */
  public static final int DEFAULT_POOL_SIZE = 8;
  public static final int MAX_POOL_SIZE = 1024;
  public static final int DEFAULT_POOL_WAITING = 1024;
  public static final int MAX_POOL_WAITING = 1_000_000;

  public RedisConfig {
    mode = mode == null ? STANDALONE : mode;
    if (!STANDALONE.equals(mode) && !CLUSTER.equals(mode)) {
      throw new ConfigException("mode", "must be standalone or cluster, but was '" + mode + "'");
    }
    if (url != null && url.contains(",") && !CLUSTER.equals(mode)) {
      throw new ConfigException("url", "lists several servers; that needs mode: cluster");
    }
    if (url == null || url.isBlank()) {
      checkUrl(url); // says it is empty
    }
    for (String one : splitUrls(url)) {
      checkUrl(one);
    }
    try {
      new Keyspace(namespace);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("namespace", "must be 1-32 characters of [A-Za-z0-9_.-], but was '"
          + namespace + "'");
    }
    if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
      throw new ConfigException(
          "timeoutMs", "must be 1-" + MAX_TIMEOUT_MS + ", but was " + timeoutMs);
    }
    if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
      throw new ConfigException("poolSize", "must be 1-" + MAX_POOL_SIZE + ", but was " + poolSize);
    }
    if (poolWaiting < 1 || poolWaiting > MAX_POOL_WAITING) {
      throw new ConfigException(
          "poolWaiting", "must be 1-" + MAX_POOL_WAITING + ", but was " + poolWaiting);
    }
  }

  /** A standalone server. */
  public RedisConfig(String url, String namespace, int timeoutMs, int poolSize, int poolWaiting) {
    this(url, namespace, timeoutMs, poolSize, poolWaiting, STANDALONE);
  }

  public static RedisConfig defaults() {
    return new RedisConfig(DEFAULT_URL, DEFAULT_NAMESPACE, DEFAULT_TIMEOUT_MS, DEFAULT_POOL_SIZE,
        DEFAULT_POOL_WAITING);
  }

  public RedisConfig withUrl(String newUrl) {
    return new RedisConfig(newUrl, namespace, timeoutMs, poolSize, poolWaiting, mode);
  }

  public RedisConfig withTimeoutMs(int newTimeoutMs) {
    return new RedisConfig(url, namespace, newTimeoutMs, poolSize, poolWaiting, mode);
  }

  public RedisConfig withMode(String newMode) {
    return new RedisConfig(url, namespace, timeoutMs, poolSize, poolWaiting, newMode);
  }

  public boolean cluster() {
    return CLUSTER.equals(mode);
  }

  /** The server URL, or the cluster's seed URLs. */
  public List<String> urls() {
    return splitUrls(url);
  }

  public Keyspace keyspace() {
    return new Keyspace(namespace);
  }

  /** The URL(s) without passwords, for logs. */
  public String redactedUrl() {
    return String.join(",", redactedUrls());
  }

  /** Each of {@link #urls()} without its password, for logs. */
  public List<String> redactedUrls() {
    return urls().stream().map(RedisConfig::redacted).toList();
  }

  private static String redacted(String url) {
    URI uri = URI.create(url);
    if (uri.getUserInfo() == null) {
      return url;
    }
    String user = uri.getUserInfo().split(":", 2)[0];
    return uri.getScheme() + "://" + (user.isEmpty() ? "" : user + ":") + "***@"
        + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  private static List<String> splitUrls(String url) {
    if (url == null) {
      return List.of();
    }
    return Arrays.stream(url.split(",")).map(String::trim).toList();
  }

  private static void checkUrl(String url) {
    String expected = "must look like redis://host:port or rediss://host:port";
    if (url == null || url.isBlank()) {
      throw new ConfigException("url", expected + ", but was empty");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException("url", expected + ", but was '" + url + "'");
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new ConfigException("url", expected + ", but was '" + url + "'");
    }
    if (uri.getHost() == null) {
      throw new ConfigException("url", expected + ", but has no host: '" + url + "'");
    }
  }
}
