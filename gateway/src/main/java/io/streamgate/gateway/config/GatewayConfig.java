package io.streamgate.gateway.config;

/**
 * The gateway's whole configuration: one immutable tree, validated when built, so the rest of
 * the gateway never sees an invalid value. Load it with {@link ConfigLoader}; the YAML file
 * mirrors this tree field by field. Thread-safe (immutable).
 */
public record GatewayConfig(HttpConfig http, RedisConfig redis, AuthConfig auth) {

  public GatewayConfig {
    if (http == null || redis == null || auth == null) {
      throw new ConfigException(null, "http, redis and auth sections are required");
    }
  }

  public static GatewayConfig defaults() {
    return new GatewayConfig(HttpConfig.defaults(), RedisConfig.defaults(), AuthConfig.defaults());
  }

  public GatewayConfig withHttp(HttpConfig newHttp) {
    return new GatewayConfig(newHttp, redis, auth);
  }

  public GatewayConfig withRedis(RedisConfig newRedis) {
    return new GatewayConfig(http, newRedis, auth);
  }

  public GatewayConfig withAuth(AuthConfig newAuth) {
    return new GatewayConfig(http, redis, newAuth);
  }
}
