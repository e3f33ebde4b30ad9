package io.streamgate.gateway.config;

/**
 * Where the gateway listens.
 *
 * @param host      interface to bind, {@value #DEFAULT_HOST} for all
 * @param port      TCP port; 0 picks a free one (tests), the ready log line says which
 * @param instances HTTP server instances, each on its own event loop, sharing the port
 * @param accessLog whether every request is logged (one line each) by the access log stage
 */
public record HttpConfig(String host, int port, int instances, boolean accessLog) {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  /** One server per core: the event loops are the gateway's only request threads. */
  public static final int DEFAULT_INSTANCES = Math.max(1, Runtime.getRuntime().availableProcessors());
  public static final int MAX_INSTANCES = 256;
  public static final boolean DEFAULT_ACCESS_LOG = true;

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
  }

  public static HttpConfig defaults() {
    return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_INSTANCES, DEFAULT_ACCESS_LOG);
  }

  public HttpConfig withPort(int newPort) {
    return new HttpConfig(host, newPort, instances, accessLog);
  }
}
