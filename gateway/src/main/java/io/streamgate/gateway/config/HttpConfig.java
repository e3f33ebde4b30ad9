package io.streamgate.gateway.config;

/**
 * Where the gateway listens.
 *
 * @param host      interface to bind, {@value #DEFAULT_HOST} for all
 * @param port      TCP port; 0 picks a free one (tests), the ready log line says which
 * @param instances HTTP server instances, each on its own event loop, sharing the port
 * @param accessLog whether every request is logged (one line each) by the access log stage
 * @param cors      cross-origin reads; {@link CorsConfig#off()} by default
 * @param shutdownGraceMs on shutdown, how long requests in flight may take to finish after the
 *                  servers stopped accepting connections; then the rest are cut
 * @param tls       HTTPS certificate and key, or null for plain HTTP
 * @param idleTimeoutMs a connection that neither reads nor writes for this long is closed (idle
 *                  keep-alive connections; WebSocket and SSE stay alive through their
 *                  heartbeats, so it must exceed {@code push.heartbeatMs})
 * @param headTimeoutMs a request head (request line and headers) must be complete this long
 *                  after its first byte, or after the connection opened; else the connection is
 *                  closed (slowloris)
 * @param warmup    the warm-up before readiness; {@link WarmupConfig#defaults()} (on) if null
 */
public record HttpConfig(String host, int port, int instances, boolean accessLog,
    CorsConfig cors, int shutdownGraceMs, TlsConfig tls, int idleTimeoutMs, int headTimeoutMs,
    WarmupConfig warmup) {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  /** One server per core: the event loops are the gateway's only request threads. */
  public static final int DEFAULT_INSTANCES = Math.max(1, Runtime.getRuntime().availableProcessors());
  public static final int MAX_INSTANCES = 256;
  public static final boolean DEFAULT_ACCESS_LOG = true;
  public static final int DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
  public static final int MAX_SHUTDOWN_GRACE_MS = 600_000;
  public static final int DEFAULT_IDLE_TIMEOUT_MS = 60_000;
  public static final int DEFAULT_HEAD_TIMEOUT_MS = 10_000;
  public static final int MIN_TIMEOUT_MS = 100;
  public static final int MAX_TIMEOUT_MS = 3_600_000;

  public HttpConfig {
    if (host == null || host.isBlank()) {
      throw new ConfigException("host", "must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException("port", "must be 1-65535, or 0 for any free port, but was " + port);
    }
    if (instances < 1 || instances > MAX_INSTANCES) {
      throw new ConfigException(
          "instances", "must be 1-" + MAX_INSTANCES + ", but was " + instances);
    }
    if (cors == null) {
      cors = CorsConfig.off();
    }
    if (warmup == null) {
      warmup = WarmupConfig.defaults();
    }
    if (shutdownGraceMs < 0 || shutdownGraceMs > MAX_SHUTDOWN_GRACE_MS) {
      throw new ConfigException("shutdownGraceMs",
          "must be 0-" + MAX_SHUTDOWN_GRACE_MS + ", but was " + shutdownGraceMs);
    }
    if (idleTimeoutMs < MIN_TIMEOUT_MS || idleTimeoutMs > MAX_TIMEOUT_MS) {
      throw new ConfigException("idleTimeoutMs",
          "must be " + MIN_TIMEOUT_MS + "-" + MAX_TIMEOUT_MS + ", but was " + idleTimeoutMs);
    }
    if (headTimeoutMs < MIN_TIMEOUT_MS || headTimeoutMs > MAX_TIMEOUT_MS) {
      throw new ConfigException("headTimeoutMs",
          "must be " + MIN_TIMEOUT_MS + "-" + MAX_TIMEOUT_MS + ", but was " + headTimeoutMs);
    }
  }

  /** The default warm-up. */
  public HttpConfig(String host, int port, int instances, boolean accessLog, CorsConfig cors,
      int shutdownGraceMs, TlsConfig tls, int idleTimeoutMs, int headTimeoutMs) {
    this(host, port, instances, accessLog, cors, shutdownGraceMs, tls, idleTimeoutMs,
        headTimeoutMs, null);
  }

  /** Default idle and head timeouts. */
  public HttpConfig(String host, int port, int instances, boolean accessLog, CorsConfig cors,
      int shutdownGraceMs, TlsConfig tls) {
    this(host, port, instances, accessLog, cors, shutdownGraceMs, tls, DEFAULT_IDLE_TIMEOUT_MS,
        DEFAULT_HEAD_TIMEOUT_MS);
  }

  /** CORS off, default shutdown grace. */
  public HttpConfig(String host, int port, int instances, boolean accessLog) {
    this(host, port, instances, accessLog, CorsConfig.off(), DEFAULT_SHUTDOWN_GRACE_MS, null);
  }

  public static HttpConfig defaults() {
    return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_INSTANCES, DEFAULT_ACCESS_LOG);
  }

  public HttpConfig withPort(int newPort) {
    return new HttpConfig(host, newPort, instances, accessLog, cors, shutdownGraceMs, tls,
        idleTimeoutMs, headTimeoutMs, warmup);
  }

  public HttpConfig withCors(CorsConfig newCors) {
    return new HttpConfig(host, port, instances, accessLog, newCors, shutdownGraceMs, tls,
        idleTimeoutMs, headTimeoutMs, warmup);
  }

  public HttpConfig withShutdownGraceMs(int newGraceMs) {
    return new HttpConfig(host, port, instances, accessLog, cors, newGraceMs, tls,
        idleTimeoutMs, headTimeoutMs, warmup);
  }

  public HttpConfig withTls(TlsConfig newTls) {
    return new HttpConfig(host, port, instances, accessLog, cors, shutdownGraceMs, newTls,
        idleTimeoutMs, headTimeoutMs, warmup);
  }

  public HttpConfig withTimeouts(int newIdleTimeoutMs, int newHeadTimeoutMs) {
    return new HttpConfig(host, port, instances, accessLog, cors, shutdownGraceMs, tls,
        newIdleTimeoutMs, newHeadTimeoutMs, warmup);
  }

  public HttpConfig withWarmup(WarmupConfig newWarmup) {
    return new HttpConfig(host, port, instances, accessLog, cors, shutdownGraceMs, tls,
        idleTimeoutMs, headTimeoutMs, newWarmup);
  }

  /** {@code https} with TLS, else {@code http}. */
  public String scheme() {
    return tls == null ? "http" : "https";
  }
}
