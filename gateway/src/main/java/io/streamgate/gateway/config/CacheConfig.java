package io.streamgate.gateway.config;

/**
 * The near cache of hot rows, kept coherent by the change messages of the views.
 *
 * @param enabled           false: every read goes to Redis, nothing is served stale
 * @param maxEntries        rows kept at most (Caffeine W-TinyLFU decides which)
 * @param revalidateAfterMs a cached row is served without asking Redis for this long after it
 *                          was last confirmed (by a read or a change message); 0 asks Redis on
 *                          every read and uses the cache only as a version floor and for stale
 *                          answers. Changes arrive by message at once; only rows that vanish
 *                          without a message (Redis flushed by hand) take up to this long to
 *                          disappear. Default 30 s
 */
public record CacheConfig(boolean enabled, int maxEntries, int revalidateAfterMs) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final int DEFAULT_MAX_ENTRIES = 100_000;
  public static final int MAX_MAX_ENTRIES = 100_000_000;
  /**
   * Change messages keep a subscribed cache coherent (a subscriber that falls behind is cut off by
   * Redis, which detaches the cache), so asking Redis again is only a safety net for rows that
   * vanish without a message. At 1 s, a key read less than once a second went to Redis on nearly
   * every read: 7,600 reads/s instead of 27,800 in loadtest/bench/rest-read.sh.
   */
  public static final int DEFAULT_REVALIDATE_AFTER_MS = 30_000;
  public static final int MAX_REVALIDATE_AFTER_MS = 3_600_000;

  public CacheConfig {
    if (maxEntries < 1 || maxEntries > MAX_MAX_ENTRIES) {
      throw new ConfigException("maxEntries",
          "must be 1-" + MAX_MAX_ENTRIES + ", but was " + maxEntries);
    }
    if (revalidateAfterMs < 0 || revalidateAfterMs > MAX_REVALIDATE_AFTER_MS) {
      throw new ConfigException("revalidateAfterMs",
          "must be 0-" + MAX_REVALIDATE_AFTER_MS + ", but was " + revalidateAfterMs);
    }
  }

  public static CacheConfig defaults() {
    return new CacheConfig(DEFAULT_ENABLED, DEFAULT_MAX_ENTRIES, DEFAULT_REVALIDATE_AFTER_MS);
  }
}
