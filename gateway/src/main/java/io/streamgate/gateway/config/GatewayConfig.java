package io.streamgate.gateway.config;

/**
 * The gateway's whole configuration: one immutable tree, validated when built, so the rest of
 * the gateway never sees an invalid value. Load it with {@link ConfigLoader}; the YAML file
 * mirrors this tree field by field. Thread-safe (immutable).
 */
public record GatewayConfig(HttpConfig http, RedisConfig redis, AuthConfig auth,
    LimitsConfig limits, BreakerConfig breaker, CacheConfig cache, PushConfig push) {

  public GatewayConfig {
    if (http == null || redis == null || auth == null || limits == null || breaker == null
        || cache == null) {
      throw new ConfigException(null, "every section is required");
    }
    push = push == null ? PushConfig.defaults() : push;
  }

  /** Push with its defaults. */
  public GatewayConfig(HttpConfig http, RedisConfig redis, AuthConfig auth, LimitsConfig limits,
      BreakerConfig breaker, CacheConfig cache) {
    this(http, redis, auth, limits, breaker, cache, PushConfig.defaults());
  }

  /** The given sections, defaults for the others. */
  public GatewayConfig(HttpConfig http, RedisConfig redis, AuthConfig auth) {
    this(http, redis, auth, LimitsConfig.defaults(), BreakerConfig.defaults(),
        CacheConfig.defaults());
  }

  public static GatewayConfig defaults() {
    return new GatewayConfig(HttpConfig.defaults(), RedisConfig.defaults(), AuthConfig.defaults());
  }

  public GatewayConfig withHttp(HttpConfig newHttp) {
    return new GatewayConfig(newHttp, redis, auth, limits, breaker, cache, push);
  }

  public GatewayConfig withRedis(RedisConfig newRedis) {
    return new GatewayConfig(http, newRedis, auth, limits, breaker, cache, push);
  }

  public GatewayConfig withAuth(AuthConfig newAuth) {
    return new GatewayConfig(http, redis, newAuth, limits, breaker, cache, push);
  }

  public GatewayConfig withLimits(LimitsConfig newLimits) {
    return new GatewayConfig(http, redis, auth, newLimits, breaker, cache, push);
  }

  public GatewayConfig withCache(CacheConfig newCache) {
    return new GatewayConfig(http, redis, auth, limits, breaker, newCache, push);
  }

  public GatewayConfig withPush(PushConfig newPush) {
    return new GatewayConfig(http, redis, auth, limits, breaker, cache, newPush);
  }

  public GatewayConfig withBreaker(BreakerConfig newBreaker) {
    return new GatewayConfig(http, redis, auth, limits, newBreaker, cache, push);
  }
}
