package io.streamgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String FULL = """
      http:
        host: 127.0.0.1
        port: 9090
        instances: 3
        accessLog: false
      redis:
        url: redis://redis.internal:6380
        namespace: prod
        timeoutMs: 250
        poolSize: 16
        poolWaiting: 64
      auth:
        issuer: https://issuer.example
        audience: streamgate-api
        leewaySeconds: 10
        keys:
          - kid: k1
            algorithm: HS256
            secretFile: /etc/streamgate/k1.secret
          - kid: k2
            secretFile: k2.secret
      limits:
        enabled: false
        defaultPlan: basic
        syncIntervalMs: 250
        plans:
          basic: {requests: 100, periodSeconds: 1}
          pro: {requests: 5000, periodSeconds: 3600}
      breaker:
        failureRateThreshold: 25
        minimumNumberOfCalls: 5
        slidingWindowSize: 50
        waitDurationInOpenMs: 500
        permittedCallsInHalfOpen: 1
        maxConcurrentCalls: 64
      cache:
        enabled: false
        maxEntries: 5000
        revalidateAfterMs: 0
      """;

  @TempDir Path dir;

  @Test
  void loadsEveryFieldFromTheFile() throws IOException {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, FULL);
    GatewayConfig config = ConfigLoader.load(file, Map.of());
    assertEquals(new HttpConfig("127.0.0.1", 9090, 3, false), config.http());
    assertEquals(new RedisConfig("redis://redis.internal:6380", "prod", 250, 16, 64), config.redis());
    assertEquals(new AuthConfig("https://issuer.example", "streamgate-api", 10, List.of(
        new KeyConfig("k1", "HS256", Path.of("/etc/streamgate/k1.secret")),
        new KeyConfig("k2", "HS256", Path.of("k2.secret")))), config.auth());
    assertEquals(new LimitsConfig(false, "basic", 250, Map.of(
        "basic", new PlanConfig(100, 1), "pro", new PlanConfig(5000, 3600))), config.limits());
    assertEquals(new BreakerConfig(25, 5, 50, 500, 1, 64), config.breaker());
    assertEquals(new CacheConfig(false, 5000, 0), config.cache());
  }

  @Test
  void noFileAndEmptyFileMeanDefaults() {
    assertEquals(GatewayConfig.defaults(), ConfigLoader.load(null, Map.of()));
    assertEquals(GatewayConfig.defaults(), ConfigLoader.parse("", "gateway.yaml", Map.of()));
    assertEquals(GatewayConfig.defaults(), ConfigLoader.parse("http:\n", "gateway.yaml", Map.of()));
  }

  @Test
  void withoutFallbackPlanTokensWithoutAKnownPlanGetTheMostRestrictivePlan() {
    String plans = "  plans:\n    gold: {requests: 1000, periodSeconds: 1}\n"
        + "    hourly: {requests: 600, periodSeconds: 3600}\n"
        + "    trial: {requests: 20, periodSeconds: 60}\n";
    assertEquals("hourly", ConfigLoader.parse("limits:\n" + plans, "gateway.yaml", Map.of())
        .limits().fallbackPlan());
    assertEquals("trial", GatewayConfig.defaults().limits().fallbackPlan());
    assertEquals("gold", ConfigLoader.parse("limits:\n  fallbackPlan: gold\n" + plans,
        "gateway.yaml", Map.of()).limits().fallbackPlan());
    assertEquals("gold", ConfigLoader.parse("limits:\n  defaultPlan: gold\n" + plans,
        "gateway.yaml", Map.of()).limits().fallbackPlan(), "the old name still works");
  }

  @Test
  void aPlanMayHaveQuotasPerDayAndMonth() {
    PlanConfig plan = ConfigLoader.parse("limits:\n  plans:\n    partner: {requests: 10,"
        + " periodSeconds: 1, quota: {perDay: {requests: 100, rows: 5000},"
        + " perMonth: {events: 70}}}\n", "gateway.yaml", Map.of()).limits().plans().get("partner");
    assertEquals(new QuotaConfig(new QuotaConfig.Amounts(100, 5000, 0),
        new QuotaConfig.Amounts(0, 0, 70)), plan.quota());
    assertEquals(QuotaConfig.NONE, LimitsConfig.defaults().plans().get("trial").quota());
  }

  @Test
  void theDemoFileMatchesTheDefaults() {
    Path demo = Path.of(System.getProperty("streamgate.root", ".."), "deploy", "local", "gateway.yaml");
    // Except CORS: off by default, the demo lets any origin read (reads need a token anyway).
    GatewayConfig expected = GatewayConfig.defaults();
    expected = expected.withHttp(expected.http().withCors(new CorsConfig(List.of("*"), 600)));
    // And the fallback plan: the demo's tokens carry no plan, so it is the generous one.
    expected = expected.withLimits(expected.limits().withFallbackPlan(LimitsConfig.DEFAULT_PLAN));
    // And plan metered, to show quotas: 100 requests per UTC day.
    Map<String, PlanConfig> plans = new java.util.HashMap<>(expected.limits().plans());
    plans.put("metered", new PlanConfig(600, 60, new QuotaConfig(
        new QuotaConfig.Amounts(100, 0, 0), QuotaConfig.Amounts.NONE)));
    expected = expected.withLimits(expected.limits().withPlans(LimitsConfig.DEFAULT_PLAN, plans));
    assertEquals(expected, ConfigLoader.load(demo, Map.of()));
  }

  @Test
  void environmentOverridesTheFile() {
    GatewayConfig config = ConfigLoader.parse(FULL, "gateway.yaml", Map.of(
        "STREAMGATE_HTTP_PORT", "7000",
        "STREAMGATE_HTTP_HOST", "10.0.0.1",
        "STREAMGATE_REDIS_URL", "redis://other:1234",
        "STREAMGATE_NAMESPACE", "staging",
        "STREAMGATE_JWT_SECRET_FILE", "/run/secrets/jwt"));
    assertEquals(7000, config.http().port());
    assertEquals("10.0.0.1", config.http().host());
    assertEquals("redis://other:1234", config.redis().url());
    assertEquals("staging", config.redis().namespace());
    assertEquals(Path.of("/run/secrets/jwt"), config.auth().keys().get(0).secretFile());
    assertEquals(Path.of("k2.secret"), config.auth().keys().get(1).secretFile());
    assertEquals(250, config.redis().timeoutMs(), "fields without an override keep the file's value");
  }

  @Test
  void environmentOverridesApplyWithoutAFile() {
    GatewayConfig config = ConfigLoader.load(null, Map.of("STREAMGATE_HTTP_PORT", "0",
        "STREAMGATE_JWT_SECRET_FILE", "s.secret"));
    assertEquals(0, config.http().port());
    assertEquals(Path.of("s.secret"), config.auth().keys().get(0).secretFile());
  }

  @Test
  void eachInvalidValueIsReportedWithFileFieldAndValue() {
    assertError("gateway.yaml: http.port must be 1-65535, or 0 for any free port, but was 70000",
        "http:\n  port: 70000\n");
    assertError("gateway.yaml: http.port must be an integer, but was 'eighty'",
        "http:\n  port: eighty\n");
    assertError("gateway.yaml: http.host must not be empty", "http:\n  host: ''\n");
    assertError("gateway.yaml: http.instances must be 1-256, but was 0", "http:\n  instances: 0\n");
    assertError("gateway.yaml: http.accessLog must be true or false, but was 'yes please'",
        "http:\n  accessLog: yes please\n");
    assertError("gateway.yaml: redis.url must look like redis://host:port or rediss://host:port,"
        + " but was 'http://x:1'", "redis:\n  url: http://x:1\n");
    assertError("gateway.yaml: redis.namespace must be 1-32 characters of [A-Za-z0-9_.-],"
        + " but was 'a b'", "redis:\n  namespace: a b\n");
    assertError("gateway.yaml: redis.timeoutMs must be 1-60000, but was 0",
        "redis:\n  timeoutMs: 0\n");
    assertError("gateway.yaml: redis.poolSize must be 1-1024, but was 0", "redis:\n  poolSize: 0\n");
    assertError("gateway.yaml: redis.mode must be standalone or cluster, but was 'sentinel'",
        "redis:\n  mode: sentinel\n");
    assertError("gateway.yaml: redis.url lists several servers; that needs mode: cluster",
        "redis:\n  url: redis://a:1,redis://b:1\n");
    assertError("gateway.yaml: redis.url must look like redis://host:port or rediss://host:port,"
        + " but was 'b:1'", "redis:\n  mode: cluster\n  url: redis://a:1,b:1\n");
    assertError("gateway.yaml: redis.poolWaiting must be 1-1000000, but was -1",
        "redis:\n  poolWaiting: -1\n");
    assertError("gateway.yaml: auth.issuer must not be empty", "auth:\n  issuer: ' '\n");
    assertError("gateway.yaml: auth.audience must not be empty", "auth:\n  audience: ''\n");
    assertError("gateway.yaml: auth.leewaySeconds must be 0-300, but was 301",
        "auth:\n  leewaySeconds: 301\n");
    assertError("gateway.yaml: auth.keys must list at least one key (or configure auth.jwks)",
        "auth:\n  keys: []\n");
    assertError("gateway.yaml: auth.jwks[0].url must be an absolute http(s) URL, but was"
        + " 'file:/etc/keys.json'", "auth:\n  jwks:\n    - url: file:/etc/keys.json\n");
    assertError("gateway.yaml: auth.jwks[0].minRefetchSeconds must be 1-refreshSeconds (60), but"
        + " was 120", "auth:\n  jwks:\n    - {url: 'https://idp/jwks', refreshSeconds: 60,"
        + " minRefetchSeconds: 120}\n");
    assertError("gateway.yaml: auth.keys[0].kid must not be empty",
        "auth:\n  keys:\n    - secretFile: a\n");
    assertError("gateway.yaml: auth.keys[1].algorithm must be one of [HS256, RS256, ES256], but"
        + " was 'none'",
        "auth:\n  keys:\n    - {kid: a, secretFile: a}\n    - {kid: b, algorithm: none}\n");
    assertError("gateway.yaml: auth.keys[0].secretFile must be set for HS256 keys",
        "auth:\n  keys:\n    - kid: a\n");
    assertError("gateway.yaml: auth.keys[1].kid must be unique, but 'a' appears twice",
        "auth:\n  keys:\n    - {kid: a, secretFile: a}\n    - {kid: a, secretFile: b}\n");
    assertError("gateway.yaml: auth.keys must be a list, but was 'k'", "auth:\n  keys: k\n");
    assertError("gateway.yaml: limits.defaultPlan names plan 'gold', which is not one of"
        + " limits.plans [default, trial]", "limits:\n  defaultPlan: gold\n");
    assertError("gateway.yaml: limits.fallbackPlan names plan 'default', which is not one of"
        + " limits.plans [basic]", "limits:\n  fallbackPlan: default\n  plans:\n"
        + "    basic: {requests: 1, periodSeconds: 1}\n");
    assertError("gateway.yaml: limits.plans.basic.requests must be 1-1000000000, but was 0",
        "limits:\n  plans:\n    basic: {requests: 0, periodSeconds: 1}\n");
    assertError("gateway.yaml: limits.plans.basic.periodSeconds must be 1-86400, but was 0",
        "limits:\n  plans:\n    basic: {requests: 5}\n");
    assertError("gateway.yaml: limits.plans.basic.burst is not a known field; expected one of"
        + " [requests, periodSeconds, quota]",
        "limits:\n  plans:\n    basic: {requests: 5, periodSeconds: 1, burst: 2}\n");
    assertError("gateway.yaml: limits.plans.basic.quota.perDay.requests must be 0 (no quota) to"
        + " 1000000000000, but was -1", "limits:\n  plans:\n    basic: {requests: 5,"
        + " periodSeconds: 1, quota: {perDay: {requests: -1}}}\n");
    assertError("gateway.yaml: limits.plans.basic.quota.perWeek is not a known field; expected"
        + " one of [perDay, perMonth]", "limits:\n  plans:\n    basic: {requests: 5,"
        + " periodSeconds: 1, quota: {perWeek: {requests: 1}}}\n");
    assertError("gateway.yaml: limits.plans.basic must be a mapping, but was 5",
        "limits:\n  plans:\n    basic: 5\n");
    assertError("gateway.yaml: limits.plans plan name must match [A-Za-z0-9_.-]{1,64}, but was"
        + " 'a b'", "limits:\n  defaultPlan: a b\n  plans:\n    a b: {requests: 5, periodSeconds: 1}\n");
    assertError("gateway.yaml: limits.syncIntervalMs must be 10-10000, but was 5",
        "limits:\n  syncIntervalMs: 5\n");
    assertError("gateway.yaml: breaker.failureRateThreshold must be 1-100 (percent), but was 101",
        "breaker:\n  failureRateThreshold: 101\n");
    assertError("gateway.yaml: breaker.minimumNumberOfCalls must be 1-slidingWindowSize (20),"
        + " but was 30", "breaker:\n  minimumNumberOfCalls: 30\n");
    assertError("gateway.yaml: breaker.waitDurationInOpenMs must be 1-600000, but was 0",
        "breaker:\n  waitDurationInOpenMs: 0\n");
    assertError("gateway.yaml: breaker.maxConcurrentCalls must be 1-1000000, but was 0",
        "breaker:\n  maxConcurrentCalls: 0\n");
    assertError("gateway.yaml: cache.maxEntries must be 1-100000000, but was 0",
        "cache:\n  maxEntries: 0\n");
    assertError("gateway.yaml: cache.revalidateAfterMs must be 0-3600000, but was -1",
        "cache:\n  revalidateAfterMs: -1\n");
  }

  @Test
  void theManagementListenerAndTheAdminApiAreConfiguredByFileAndEnvironment() {
    GatewayConfig config = ConfigLoader.parse("""
        management: {host: 0.0.0.0, port: 9191, enabled: false}
        admin: {timeoutMs: 5000}
        """, "gateway.yaml", Map.of());
    assertEquals(new ManagementConfig("0.0.0.0", 9191, false), config.management());
    assertEquals(new AdminConfig(5000), config.admin());
    assertEquals(new ManagementConfig("127.0.0.1", 9090, true), GatewayConfig.defaults().management());
    assertEquals(60_000, GatewayConfig.defaults().admin().timeoutMs());
    GatewayConfig fromEnv = ConfigLoader.parse("", "gateway.yaml", Map.of(
        ConfigLoader.ENV_MANAGEMENT_PORT, "9092", ConfigLoader.ENV_MANAGEMENT_HOST, "10.0.0.5"));
    assertEquals(new ManagementConfig("10.0.0.5", 9092, true), fromEnv.management());
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        "", "gateway.yaml", Map.of(ConfigLoader.ENV_MANAGEMENT_PORT, "70000")));
    assertEquals("gateway.yaml: management.port (from STREAMGATE_MANAGEMENT_PORT) must be"
        + " 1-65535, or 0 for any free port, but was 70000", e.getMessage());
    assertError("gateway.yaml: admin.timeoutMs must be 100-600000, but was 5", "admin:\n  timeoutMs: 5\n");
  }

  @Test
  void graphqlIsConfiguredByFileAndEnvironment() {
    GatewayConfig config = ConfigLoader.parse("""
        graphql: {enabled: true, introspection: false, maxDepth: 5, maxComplexity: 300}
        """, "gateway.yaml", Map.of());
    assertEquals(new GraphQLConfig(true, false, 5, 300), config.graphql());
    assertEquals(GraphQLConfig.defaults(), GatewayConfig.defaults().graphql());
    GatewayConfig fromEnv = ConfigLoader.parse("graphql: {introspection: true}\n", "gateway.yaml",
        Map.of(ConfigLoader.ENV_GRAPHQL_ENABLED, "false",
            ConfigLoader.ENV_GRAPHQL_INTROSPECTION, "false"));
    assertEquals(new GraphQLConfig(false, false, GraphQLConfig.DEFAULT_MAX_DEPTH,
        GraphQLConfig.DEFAULT_MAX_COMPLEXITY), fromEnv.graphql());
    assertError("gateway.yaml: graphql.maxDepth must be 3-100, but was 2",
        "graphql:\n  maxDepth: 2\n");
    assertError("gateway.yaml: graphql.maxComplexity must be 1-10000000, but was 0",
        "graphql:\n  maxComplexity: 0\n");
  }

  @Test
  void typosAndWrongShapesAreReportedNotIgnored() {
    assertError("gateway.yaml: http.prot is not a known field; expected one of"
        + " [host, port, instances, accessLog, cors, shutdownGraceMs, tls,"
        + " idleTimeoutMs, headTimeoutMs, warmup]", "http:\n  prot: 80\n");
    assertError("gateway.yaml: redsi is not a known field; expected one of"
        + " [http, redis, auth, limits, breaker, cache, ingest, push, management, admin,"
        + " graphql]",
        "redsi:\n  url: x\n");
    assertError("gateway.yaml: redis must be a mapping, but was 'redis://x'", "redis: redis://x\n");
    assertError("gateway.yaml: must be a YAML mapping (http:, redis:, auth:), but was a list",
        "- a\n- b\n");
  }

  @Test
  void yamlSyntaxErrorsAreOneLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse("http:\n  port: 1\n port: 2\n", "gateway.yaml", Map.of()));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertEquals(true, e.getMessage().startsWith("gateway.yaml: is not valid YAML: "), e.getMessage());

    ConfigException duplicate = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse("http:\n  port: 1\n  port: 2\n", "gateway.yaml", Map.of()));
    assertEquals(true, duplicate.getMessage().contains("duplicate key port"), duplicate.getMessage());
  }

  @Test
  void invalidEnvironmentValuesNameTheVariable() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        "", "gateway.yaml", Map.of("STREAMGATE_HTTP_PORT", "70000")));
    assertEquals("gateway.yaml: http.port (from STREAMGATE_HTTP_PORT) must be 1-65535, or 0 for"
        + " any free port, but was 70000", e.getMessage());

    ConfigException url = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        "", "gateway.yaml", Map.of("STREAMGATE_REDIS_URL", "localhost:6379")));
    assertEquals(true, url.getMessage().startsWith(
        "gateway.yaml: redis.url (from STREAMGATE_REDIS_URL) must look like"), url.getMessage());
  }

  @Test
  void aClusterIsGivenBySeedUrls() {
    RedisConfig redis = ConfigLoader.parse("""
        redis:
          mode: cluster
          url: redis://:secret@10.0.0.1:7000, redis://:secret@10.0.0.2:7000
        """, "gateway.yaml", Map.of()).redis();
    assertTrue(redis.cluster());
    assertEquals(List.of("redis://:secret@10.0.0.1:7000", "redis://:secret@10.0.0.2:7000"), redis.urls());
    assertEquals("redis://***@10.0.0.1:7000,redis://***@10.0.0.2:7000", redis.redactedUrl());
  }

  @Test
  void aClusterCanBeGivenByEnvironmentAlone() {
    RedisConfig redis = ConfigLoader.parse("", "gateway.yaml", Map.of(
        "STREAMGATE_REDIS_MODE", "cluster",
        "STREAMGATE_REDIS_URL", "redis://127.0.0.1:7000,redis://127.0.0.1:7001")).redis();
    assertTrue(redis.cluster());
    assertEquals(List.of("redis://127.0.0.1:7000", "redis://127.0.0.1:7001"), redis.urls());
  }

  @Test
  void jwksAloneIsEnoughAndItsIssuerDefaultsToAuthIssuer() {
    GatewayConfig config = ConfigLoader.parse("""
        auth:
          issuer: https://idp.example/
          jwks:
            - url: https://idp.example/.well-known/jwks.json
            - {url: 'https://other.example/keys', issuer: other, refreshSeconds: 60}
        """, "gateway.yaml", Map.of());
    assertEquals(List.of(), config.auth().keys());
    assertEquals(List.of(
        JwksConfig.of(java.net.URI.create("https://idp.example/.well-known/jwks.json"),
            "https://idp.example/"),
        new JwksConfig(java.net.URI.create("https://other.example/keys"), "other", 60,
            JwksConfig.DEFAULT_MIN_REFETCH_SECONDS, JwksConfig.DEFAULT_TIMEOUT_MS)),
        config.auth().jwks());
  }

  @Test
  void aMissingFileSaysHowToPointAtOne() {
    Path missing = dir.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of()));
    assertEquals(missing + ": no such file (pass --config FILE or set STREAMGATE_CONFIG to an"
        + " existing file)", e.getMessage());
  }

  private static void assertError(String expected, String yaml) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(yaml, "gateway.yaml", Map.of()), yaml);
    assertEquals(expected, e.getMessage());
  }
}
