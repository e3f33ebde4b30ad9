package io.streamgate.gateway.config;

/**
 * The gateway's whole configuration: one immutable tree, validated when built, so the rest of
 * the gateway never sees an invalid value. Load it with {@link ConfigLoader}; the YAML file
 * mirrors this tree field by field. Thread-safe (immutable).
 */
public record GatewayConfig(HttpConfig http, RedisConfig redis, AuthConfig auth,
    LimitsConfig limits, BreakerConfig breaker, CacheConfig cache, IngestConfig ingest,
    PushConfig push, ManagementConfig management, AdminConfig admin, GraphQLConfig graphql) {

  public GatewayConfig {
    if (http == null || redis == null || auth == null || limits == null || breaker == null
        || cache == null) {
      throw new ConfigException(null, "every section is required");
    }
    ingest = ingest == null ? IngestConfig.defaults() : ingest;
    push = push == null ? PushConfig.defaults() : push;
    management = management == null ? ManagementConfig.defaults() : management;
    admin = admin == null ? AdminConfig.defaults() : admin;
    graphql = graphql == null ? GraphQLConfig.defaults() : graphql;
  }

  /** Default management listener, admin API and GraphQL. */
  public GatewayConfig(HttpConfig http, RedisConfig redis, AuthConfig auth, LimitsConfig limits,
      BreakerConfig breaker, CacheConfig cache, IngestConfig ingest, PushConfig push) {
    this(http, redis, auth, limits, breaker, cache, ingest, push, null, null, null);
  }

  /** Default event ingest and push. */
  public GatewayConfig(HttpConfig http, RedisConfig redis, AuthConfig auth, LimitsConfig limits,
      BreakerConfig breaker, CacheConfig cache) {
    this(http, redis, auth, limits, breaker, cache, IngestConfig.defaults(), PushConfig.defaults());
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
    return new GatewayConfig(newHttp, redis, auth, limits, breaker, cache, ingest, push,
        management, admin, graphql);
  }

  public GatewayConfig withRedis(RedisConfig newRedis) {
    return new GatewayConfig(http, newRedis, auth, limits, breaker, cache, ingest, push,
        management, admin, graphql);
  }

  public GatewayConfig withAuth(AuthConfig newAuth) {
    return new GatewayConfig(http, redis, newAuth, limits, breaker, cache, ingest, push,
        management, admin, graphql);
  }

  public GatewayConfig withLimits(LimitsConfig newLimits) {
    return new GatewayConfig(http, redis, auth, newLimits, breaker, cache, ingest, push,
        management, admin, graphql);
  }

  public GatewayConfig withCache(CacheConfig newCache) {
    return new GatewayConfig(http, redis, auth, limits, breaker, newCache, ingest, push,
        management, admin, graphql);
  }

  public GatewayConfig withBreaker(BreakerConfig newBreaker) {
    return new GatewayConfig(http, redis, auth, limits, newBreaker, cache, ingest, push,
        management, admin, graphql);
  }

  public GatewayConfig withIngest(IngestConfig newIngest) {
    return new GatewayConfig(http, redis, auth, limits, breaker, cache, newIngest, push,
        management, admin, graphql);
  }

  public GatewayConfig withPush(PushConfig newPush) {
    return new GatewayConfig(http, redis, auth, limits, breaker, cache, ingest, newPush,
        management, admin, graphql);
  }

  public GatewayConfig withManagement(ManagementConfig newManagement) {
    return new GatewayConfig(http, redis, auth, limits, breaker, cache, ingest, push,
        newManagement, admin, graphql);
  }

  public GatewayConfig withAdmin(AdminConfig newAdmin) {
    return new GatewayConfig(http, redis, auth, limits, breaker, cache, ingest, push, management,
        newAdmin, graphql);
  }

  public GatewayConfig withGraphql(GraphQLConfig newGraphql) {
    return new GatewayConfig(http, redis, auth, limits, breaker, cache, ingest, push, management,
        admin, newGraphql);
  }
}
