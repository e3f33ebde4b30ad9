package io.streamgate.gateway.config;

/**
 * The management listener: a second HTTP server for operators and Prometheus, apart from the
 * public API port. It serves {@code /metrics}, {@code /health/live}, {@code /health/ready} with
 * details (Redis, catalog, ingest, breaker) and the admin API. Bind it to loopback or a private
 * network only: {@code /metrics} and the health details need no token.
 *
 * @param host    interface to bind; {@value #DEFAULT_HOST} by default (this machine only)
 * @param port    TCP port; 0 picks a free one (tests), the ready log line says which
 * @param enabled false: no management listener (metrics are then not served at all)
 */
public record ManagementConfig(String host, int port, boolean enabled) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9090;
  public static final boolean DEFAULT_ENABLED = true;

  public ManagementConfig {
    if (host == null || host.isBlank()) {
      throw new ConfigException("host", "must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException("port", "must be 1-65535, or 0 for any free port, but was " + port);
    }
  }

  public static ManagementConfig defaults() {
    return new ManagementConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_ENABLED);
  }

  public ManagementConfig withPort(int newPort) {
    return new ManagementConfig(host, newPort, enabled);
  }
}
