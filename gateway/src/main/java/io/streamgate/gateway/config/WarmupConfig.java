package io.streamgate.gateway.config;

/**
 * The warm-up before readiness ({@code http.warmup}): once the HTTP listeners are up, the gateway
 * sends itself point reads over loopback through the whole request chain until the JIT has
 * compiled it, and only then reports ready. Without it a new gateway served ~300-800 req/s in
 * its first seconds against ~18,500 warm (p99 over 500 ms; loadtest/bench/first-second.sh).
 *
 * @param enabled     false: ready as soon as Redis answers (tests, tiny machines)
 * @param minMs       the warm-up runs at least this long (unless Redis does not answer)
 * @param maxMs       and at most this long, even if its rate is still rising or the JIT still
 *                    compiling; at most {@value #MAX_MAX_MS}, so a slow machine is never kept
 *                    out of service long. On one core the JIT needed ~20 s of the warm-up's
 *                    load to go quiet (a machine serving nginx's static file at ~45,000 req/s);
 *                    with more cores it compiles beside the load and the warm-up ends sooner
 * @param connections loopback connections it keeps busy, each one request at a time
 * @param rows        rows it lists (an equal share of each view, so into the near cache) and
 *                    then reads; 0 reads missing keys only
 */
public record WarmupConfig(boolean enabled, int minMs, int maxMs, int connections, int rows) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final int DEFAULT_MIN_MS = 3_000;
  /** Long enough for one core (see maxMs); the stop rule ends it sooner on more. */
  public static final int DEFAULT_MAX_MS = 30_000;
  public static final int MAX_MAX_MS = 60_000;
  /** Enough requests in flight to keep every event loop busy, few enough to leave the JIT a core. */
  public static final int DEFAULT_CONNECTIONS = 16;
  public static final int MAX_CONNECTIONS = 256;
  /**
   * A new gateway's near cache is empty: until clients have read each hot row once, their reads
   * go to Redis. Listing 10,000 rows takes 20 pages of 500 (first-second.sh: 10,000 keys).
   */
  public static final int DEFAULT_ROWS = 10_000;
  public static final int MAX_ROWS = 1_000_000;

  public WarmupConfig {
    if (minMs < 0 || minMs > MAX_MAX_MS) {
      throw new ConfigException("minMs",
          "must be 0-" + MAX_MAX_MS + ", but was " + minMs);
    }
    if (maxMs < minMs || maxMs > MAX_MAX_MS) {
      throw new ConfigException("maxMs",
          "must be minMs (" + minMs + ")-" + MAX_MAX_MS + ", but was " + maxMs);
    }
    if (connections < 1 || connections > MAX_CONNECTIONS) {
      throw new ConfigException("connections",
          "must be 1-" + MAX_CONNECTIONS + ", but was " + connections);
    }
    if (rows < 0 || rows > MAX_ROWS) {
      throw new ConfigException("rows", "must be 0-" + MAX_ROWS + ", but was " + rows);
    }
  }

  public static WarmupConfig defaults() {
    return new WarmupConfig(DEFAULT_ENABLED, DEFAULT_MIN_MS, DEFAULT_MAX_MS, DEFAULT_CONNECTIONS,
        DEFAULT_ROWS);
  }

  /** No warm-up: ready as soon as Redis answers. */
  public static WarmupConfig off() {
    return new WarmupConfig(false, DEFAULT_MIN_MS, DEFAULT_MAX_MS, DEFAULT_CONNECTIONS,
        DEFAULT_ROWS);
  }
}
