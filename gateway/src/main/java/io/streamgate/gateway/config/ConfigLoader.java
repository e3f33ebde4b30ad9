package io.streamgate.gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Builds a {@link GatewayConfig} from a YAML file (optional; every field has a default) and
 * environment variables, which win over the file. Every problem surfaces as one
 * {@link ConfigException} naming file, field and value. Stateless and thread-safe.
 */
public final class ConfigLoader {
  /** The config file, when {@code --config} is not given. */
  public static final String ENV_CONFIG = "STREAMGATE_CONFIG";
  public static final String ENV_HTTP_HOST = "STREAMGATE_HTTP_HOST";
  public static final String ENV_HTTP_PORT = "STREAMGATE_HTTP_PORT";
  public static final String ENV_REDIS_URL = "STREAMGATE_REDIS_URL";
  public static final String ENV_NAMESPACE = "STREAMGATE_NAMESPACE";
  /** {@code redis.mode}: {@code cluster} with seed URLs in {@link #ENV_REDIS_URL}. */
  public static final String ENV_REDIS_MODE = "STREAMGATE_REDIS_MODE";
  /** Replaces the secretFile of the first HMAC key. */
  public static final String ENV_JWT_SECRET_FILE = "STREAMGATE_JWT_SECRET_FILE";
  /** Kafka for event ingest: {@code ingest.kafka.bootstrapServers}. */
  public static final String ENV_KAFKA_BOOTSTRAP = "STREAMGATE_KAFKA_BOOTSTRAP";
  /** The management listener: {@code management.host}, {@code management.port}. */
  public static final String ENV_MANAGEMENT_HOST = "STREAMGATE_MANAGEMENT_HOST";
  public static final String ENV_MANAGEMENT_PORT = "STREAMGATE_MANAGEMENT_PORT";
  /** Overrides {@code http.warmup.enabled} ({@code true}/{@code false}). */
  public static final String ENV_WARMUP_ENABLED = "STREAMGATE_HTTP_WARMUP_ENABLED";
  /** Overrides {@code http.warmup.maxMs}. */
  public static final String ENV_WARMUP_MAX_MS = "STREAMGATE_HTTP_WARMUP_MAX_MS";
  /** Overrides {@code graphql.enabled} ({@code true}/{@code false}). */
  public static final String ENV_GRAPHQL_ENABLED = "STREAMGATE_GRAPHQL_ENABLED";
  /** Overrides {@code graphql.introspection} ({@code true}/{@code false}). */
  public static final String ENV_GRAPHQL_INTROSPECTION = "STREAMGATE_GRAPHQL_INTROSPECTION";

  /** Field path each plain override replaces. */
  private static final Map<String, String> ENV_FIELDS = Map.ofEntries(
      Map.entry(ENV_HTTP_HOST, "http.host"),
      Map.entry(ENV_HTTP_PORT, "http.port"),
      Map.entry(ENV_REDIS_URL, "redis.url"),
      Map.entry(ENV_REDIS_MODE, "redis.mode"),
      Map.entry(ENV_NAMESPACE, "redis.namespace"),
      Map.entry(ENV_KAFKA_BOOTSTRAP, "ingest.kafka.bootstrapServers"),
      Map.entry(ENV_MANAGEMENT_HOST, "management.host"),
      Map.entry(ENV_MANAGEMENT_PORT, "management.port"),
      Map.entry(ENV_WARMUP_ENABLED, "http.warmup.enabled"),
      Map.entry(ENV_WARMUP_MAX_MS, "http.warmup.maxMs"),
      Map.entry(ENV_GRAPHQL_ENABLED, "graphql.enabled"),
      Map.entry(ENV_GRAPHQL_INTROSPECTION, "graphql.introspection"));

  /** Name used in messages when there is no file. */
  static final String NO_FILE = "configuration";

  private ConfigLoader() {}

  /**
   * @param file the YAML file, or null to start from the defaults
   * @param env  environment variables (pass {@code System.getenv()}; tests pass their own)
   */
  public static GatewayConfig load(Path file, Map<String, String> env) {
    if (file == null) {
      return parse("", NO_FILE, env);
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(null, "no such file (pass --config FILE or set " + ENV_CONFIG
          + " to an existing file)").in(file.toString());
    } catch (IOException e) {
      throw new ConfigException(null, "cannot read the file: " + e).in(file.toString());
    }
    return parse(text, file.toString(), env);
  }

  /** Parses YAML text; {@code source} names it in error messages. */
  public static GatewayConfig parse(String yaml, String source, Map<String, String> env) {
    Map<String, String> overrides = new LinkedHashMap<>();
    Map<String, String> overriddenBy = new LinkedHashMap<>();
    ENV_FIELDS.forEach((variable, field) -> {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        overrides.put(field, value.trim());
        overriddenBy.put(field, variable);
      }
    });
    try {
      YamlSection root = YamlSection.root(loadYaml(yaml), overrides);
      HttpConfig http = http(root.section("http"));
      RedisConfig redis = redis(root.section("redis"));
      AuthConfig auth = auth(root.section("auth"));
      LimitsConfig limits = limits(root.section("limits"));
      BreakerConfig breaker = breaker(root.section("breaker"));
      CacheConfig cache = cache(root.section("cache"));
      IngestConfig ingest = ingest(root.section("ingest"));
      PushConfig push = push(root.section("push"));
      ManagementConfig management = management(root.section("management"));
      AdminConfig admin = admin(root.section("admin"));
      GraphQLConfig graphql = graphql(root.section("graphql"));
      root.rejectUnknownFields();
      GatewayConfig config = new GatewayConfig(http, redis, auth, limits, breaker, cache, ingest,
          push, management, admin, graphql);
      checkIdleTimeout(config);
      return applySecretFile(config, env.get(ENV_JWT_SECRET_FILE));
    } catch (ConfigException e) {
      String variable = e.field() == null ? null : overriddenBy.get(e.field());
      throw (variable == null ? e : e.fromEnv(variable)).in(source);
    }
  }

  /**
   * An idle connection neither reads nor writes: a push connection writes a heartbeat per
   * interval, an ingest request may wait for Kafka up to its timeout; neither may be cut.
   */
  private static void checkIdleTimeout(GatewayConfig config) {
    int idle = config.http().idleTimeoutMs();
    // GraphQL subscriptions keep their sockets alive on push.heartbeatMs too.
    if ((config.push().enabled() || config.graphql().enabled())
        && idle <= config.push().heartbeatMs()) {
      throw new ConfigException("http.idleTimeoutMs", "must be longer than push.heartbeatMs ("
          + config.push().heartbeatMs() + "), or push and GraphQL subscription connections are"
          + " cut between heartbeats, but was " + idle);
    }
    if (config.ingest().enabled() && idle <= config.ingest().timeoutMs()) {
      throw new ConfigException("http.idleTimeoutMs", "must be longer than ingest.timeoutMs ("
          + config.ingest().timeoutMs() + "), or a request waiting for Kafka is cut, but was "
          + idle);
    }
  }

  private static Object loadYaml(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    try {
      return new Yaml(new SafeConstructor(options)).load(text);
    } catch (MarkedYAMLException e) {
      String where = e.getProblemMark() == null ? ""
          : " (line " + (e.getProblemMark().getLine() + 1)
              + ", column " + (e.getProblemMark().getColumn() + 1) + ")";
      throw new ConfigException(null, "is not valid YAML: " + e.getProblem() + where);
    } catch (YAMLException e) {
      throw new ConfigException(null, "is not valid YAML: " + e.getMessage().lines().findFirst()
          .orElse("unreadable"));
    }
  }

  /**
   * Builds a section's record once all its fields are read: unknown fields are reported first
   * (a typo explains a surprising default), then the record's own validation, which names only
   * its field, gets the section's path in front.
   */
  private static <T> T build(YamlSection section, Supplier<T> constructor) {
    section.rejectUnknownFields();
    try {
      return constructor.get();
    } catch (ConfigException e) {
      throw e.within(section.path());
    }
  }

  private static HttpConfig http(YamlSection s) {
    String host = s.string("host", HttpConfig.DEFAULT_HOST);
    int port = s.integer("port", HttpConfig.DEFAULT_PORT);
    int instances = s.integer("instances", HttpConfig.DEFAULT_INSTANCES);
    boolean accessLog = s.bool("accessLog", HttpConfig.DEFAULT_ACCESS_LOG);
    CorsConfig cors = cors(s.section("cors"));
    int shutdownGraceMs = s.integer("shutdownGraceMs", HttpConfig.DEFAULT_SHUTDOWN_GRACE_MS);
    TlsConfig tls = tls(s.section("tls"));
    int idleTimeoutMs = s.integer("idleTimeoutMs", HttpConfig.DEFAULT_IDLE_TIMEOUT_MS);
    int headTimeoutMs = s.integer("headTimeoutMs", HttpConfig.DEFAULT_HEAD_TIMEOUT_MS);
    WarmupConfig warmup = warmup(s.section("warmup"));
    return build(s, () -> new HttpConfig(host, port, instances, accessLog, cors,
        shutdownGraceMs, tls, idleTimeoutMs, headTimeoutMs, warmup));
  }

  private static WarmupConfig warmup(YamlSection s) {
    boolean enabled = s.bool("enabled", WarmupConfig.DEFAULT_ENABLED);
    int minMs = s.integer("minMs", WarmupConfig.DEFAULT_MIN_MS);
    int maxMs = s.integer("maxMs", WarmupConfig.DEFAULT_MAX_MS);
    int connections = s.integer("connections", WarmupConfig.DEFAULT_CONNECTIONS);
    int rows = s.integer("rows", WarmupConfig.DEFAULT_ROWS);
    return build(s, () -> new WarmupConfig(enabled, minMs, maxMs, connections, rows));
  }

  /** Null when the section is absent or empty: plain HTTP. */
  private static TlsConfig tls(YamlSection s) {
    Path certFile = s.path("certFile", null);
    Path keyFile = s.path("keyFile", null);
    if (certFile == null && keyFile == null) {
      s.rejectUnknownFields();
      return null;
    }
    return build(s, () -> new TlsConfig(certFile, keyFile));
  }

  private static CorsConfig cors(YamlSection s) {
    List<String> origins = s.strings("allowedOrigins", List.of());
    int maxAge = s.integer("maxAgeSeconds", CorsConfig.DEFAULT_MAX_AGE_SECONDS);
    return build(s, () -> new CorsConfig(origins, maxAge));
  }

  private static RedisConfig redis(YamlSection s) {
    String url = s.string("url", RedisConfig.DEFAULT_URL);
    String namespace = s.string("namespace", RedisConfig.DEFAULT_NAMESPACE);
    int timeoutMs = s.integer("timeoutMs", RedisConfig.DEFAULT_TIMEOUT_MS);
    int poolSize = s.integer("poolSize", RedisConfig.DEFAULT_POOL_SIZE);
    int poolWaiting = s.integer("poolWaiting", RedisConfig.DEFAULT_POOL_WAITING);
    String mode = s.string("mode", RedisConfig.STANDALONE);
    return build(s, () -> new RedisConfig(url, namespace, timeoutMs, poolSize, poolWaiting, mode));
  }

  private static AuthConfig auth(YamlSection s) {
    String issuer = s.string("issuer", AuthConfig.DEFAULT_ISSUER);
    String audience = s.string("audience", AuthConfig.DEFAULT_AUDIENCE);
    int leeway = s.integer("leewaySeconds", AuthConfig.DEFAULT_LEEWAY_SECONDS);
    int maxTokenBytes = s.integer("maxTokenBytes", AuthConfig.DEFAULT_MAX_TOKEN_BYTES);
    List<YamlSection> keySections = s.sections("keys");
    List<YamlSection> jwksSections = s.sections("jwks");
    List<KeyConfig> keys = new ArrayList<>();
    if (keySections == null && jwksSections == null) {
      keys.add(KeyConfig.defaults());
    } else if (keySections != null) {
      for (YamlSection k : keySections) {
        keys.add(key(k));
      }
    }
    List<JwksConfig> jwks = new ArrayList<>();
    if (jwksSections != null) {
      for (YamlSection j : jwksSections) {
        jwks.add(jwks(j));
      }
    }
    String requiredType = s.string("requiredType", null);
    return build(s, () -> new AuthConfig(issuer, audience, leeway, keys, maxTokenBytes, jwks,
        requiredType));
  }

  private static JwksConfig jwks(YamlSection s) {
    String url = s.string("url", null);
    String issuer = s.string("issuer", null);
    int refresh = s.integer("refreshSeconds", JwksConfig.DEFAULT_REFRESH_SECONDS);
    int minRefetch = s.integer("minRefetchSeconds", JwksConfig.DEFAULT_MIN_REFETCH_SECONDS);
    int timeoutMs = s.integer("timeoutMs", JwksConfig.DEFAULT_TIMEOUT_MS);
    return build(s, () -> new JwksConfig(uri(url), issuer, refresh, minRefetch, timeoutMs));
  }

  private static java.net.URI uri(String url) {
    if (url == null) {
      return null;
    }
    try {
      return new java.net.URI(url.trim());
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("url", "is not a URL: " + e.getMessage());
    }
  }

  private static LimitsConfig limits(YamlSection s) {
    boolean enabled = s.bool("enabled", LimitsConfig.DEFAULT_ENABLED);
    String defaultPlan = s.string("defaultPlan", null);
    String fallbackPlan = s.string("fallbackPlan", null);
    int syncIntervalMs = s.integer("syncIntervalMs", LimitsConfig.DEFAULT_SYNC_INTERVAL_MS);
    Map<String, YamlSection> planSections = s.namedSections("plans");
    Map<String, PlanConfig> plans = new LinkedHashMap<>();
    if (planSections == null) {
      plans.putAll(LimitsConfig.defaultPlans());
    } else {
      planSections.forEach((name, p) -> plans.put(name, plan(p)));
    }
    return build(s, () -> new LimitsConfig(enabled, defaultPlan, syncIntervalMs, plans,
        fallbackPlan));
  }

  private static CacheConfig cache(YamlSection s) {
    boolean enabled = s.bool("enabled", CacheConfig.DEFAULT_ENABLED);
    int maxEntries = s.integer("maxEntries", CacheConfig.DEFAULT_MAX_ENTRIES);
    int revalidate = s.integer("revalidateAfterMs", CacheConfig.DEFAULT_REVALIDATE_AFTER_MS);
    return build(s, () -> new CacheConfig(enabled, maxEntries, revalidate));
  }

  private static IngestConfig ingest(YamlSection s) {
    boolean enabled = s.bool("enabled", IngestConfig.DEFAULT_ENABLED);
    int maxBody = s.integer("maxBodyBytes", IngestConfig.DEFAULT_MAX_BODY_BYTES);
    int maxEvents = s.integer("maxEventsPerRequest", IngestConfig.DEFAULT_MAX_EVENTS_PER_REQUEST);
    int maxInFlight = s.integer("maxInFlightBytes", IngestConfig.DEFAULT_MAX_IN_FLIGHT_BYTES);
    int timeoutMs = s.integer("timeoutMs", IngestConfig.DEFAULT_TIMEOUT_MS);
    YamlSection k = s.section("kafka");
    String servers = k.string("bootstrapServers", IngestConfig.DEFAULT_BOOTSTRAP_SERVERS);
    int lingerMs = k.integer("lingerMs", IngestConfig.DEFAULT_LINGER_MS);
    int batchSize = k.integer("batchSizeBytes", IngestConfig.DEFAULT_BATCH_SIZE_BYTES);
    String compression = k.string("compression", IngestConfig.DEFAULT_COMPRESSION);
    Map<String, String> producer = k.stringMap("producer");
    k.rejectUnknownFields();
    int delivery = s.integer("deliveryTimeoutMs",
        Math.max(IngestConfig.DEFAULT_DELIVERY_TIMEOUT_MS, timeoutMs));
    int retention = s.integer("idempotencyRetentionSeconds",
        IngestConfig.DEFAULT_IDEMPOTENCY_RETENTION_SECONDS);
    return build(s, () -> new IngestConfig(enabled, servers, maxBody, maxEvents, maxInFlight,
        timeoutMs, lingerMs, batchSize, compression, producer, delivery, retention));
  }

  private static PushConfig push(YamlSection s) {
    boolean enabled = s.bool("enabled", PushConfig.DEFAULT_ENABLED);
    int subscriptions = s.integer("maxSubscriptions", PushConfig.DEFAULT_MAX_SUBSCRIPTIONS);
    int keys = s.integer("maxKeysPerSubscription", PushConfig.DEFAULT_MAX_KEYS_PER_SUBSCRIPTION);
    int frame = s.integer("maxFrameBytes", PushConfig.DEFAULT_MAX_FRAME_BYTES);
    int writeQueue = s.integer("writeQueueBytes", PushConfig.DEFAULT_WRITE_QUEUE_BYTES);
    int pending = s.integer("maxPending", PushConfig.DEFAULT_MAX_PENDING);
    int heartbeat = s.integer("heartbeatMs", PushConfig.DEFAULT_HEARTBEAT_MS);
    int budget = s.integer("messageBudget", PushConfig.DEFAULT_MESSAGE_BUDGET);
    int sockets = s.integer("maxSocketsPerPrincipal",
        PushConfig.DEFAULT_MAX_SOCKETS_PER_PRINCIPAL);
    int queuedReads = s.integer("maxQueuedReads", PushConfig.DEFAULT_MAX_QUEUED_READS);
    int authFailures = s.integer("maxAuthFailuresPerAddress",
        PushConfig.DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS);
    return build(s, () -> new PushConfig(enabled, subscriptions, keys, frame, writeQueue, pending,
        heartbeat, budget, sockets, queuedReads, authFailures));
  }

  private static ManagementConfig management(YamlSection s) {
    String host = s.string("host", ManagementConfig.DEFAULT_HOST);
    int port = s.integer("port", ManagementConfig.DEFAULT_PORT);
    boolean enabled = s.bool("enabled", ManagementConfig.DEFAULT_ENABLED);
    return build(s, () -> new ManagementConfig(host, port, enabled));
  }

  private static AdminConfig admin(YamlSection s) {
    int timeoutMs = s.integer("timeoutMs", AdminConfig.DEFAULT_TIMEOUT_MS);
    return build(s, () -> new AdminConfig(timeoutMs));
  }

  private static GraphQLConfig graphql(YamlSection s) {
    boolean enabled = s.bool("enabled", GraphQLConfig.DEFAULT_ENABLED);
    boolean introspection = s.bool("introspection", GraphQLConfig.DEFAULT_INTROSPECTION);
    int maxDepth = s.integer("maxDepth", GraphQLConfig.DEFAULT_MAX_DEPTH);
    int maxComplexity = s.integer("maxComplexity", GraphQLConfig.DEFAULT_MAX_COMPLEXITY);
    return build(s, () -> new GraphQLConfig(enabled, introspection, maxDepth, maxComplexity));
  }

  private static BreakerConfig breaker(YamlSection s) {
    int failureRate = s.integer("failureRateThreshold", BreakerConfig.DEFAULT_FAILURE_RATE_THRESHOLD);
    int minimumCalls = s.integer("minimumNumberOfCalls", BreakerConfig.DEFAULT_MINIMUM_NUMBER_OF_CALLS);
    int window = s.integer("slidingWindowSize", BreakerConfig.DEFAULT_SLIDING_WINDOW_SIZE);
    int waitMs = s.integer("waitDurationInOpenMs", BreakerConfig.DEFAULT_WAIT_DURATION_IN_OPEN_MS);
    int halfOpen = s.integer("permittedCallsInHalfOpen",
        BreakerConfig.DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN);
    int concurrent = s.integer("maxConcurrentCalls", BreakerConfig.DEFAULT_MAX_CONCURRENT_CALLS);
    return build(s, () -> new BreakerConfig(failureRate, minimumCalls, window, waitMs, halfOpen,
        concurrent));
  }

  private static PlanConfig plan(YamlSection s) {
    long requests = s.integer("requests", 0);
    int periodSeconds = s.integer("periodSeconds", 0);
    QuotaConfig quota = quota(s.section("quota"));
    return build(s, () -> new PlanConfig(requests, periodSeconds, quota));
  }

  private static QuotaConfig quota(YamlSection s) {
    QuotaConfig.Amounts perDay = amounts(s.section("perDay"));
    QuotaConfig.Amounts perMonth = amounts(s.section("perMonth"));
    return build(s, () -> new QuotaConfig(perDay, perMonth));
  }

  private static QuotaConfig.Amounts amounts(YamlSection s) {
    long requests = s.integer("requests", 0);
    long rows = s.integer("rows", 0);
    long events = s.integer("events", 0);
    return build(s, () -> new QuotaConfig.Amounts(requests, rows, events));
  }

  private static KeyConfig key(YamlSection s) {
    String kid = s.string("kid", null);
    String algorithm = s.string("algorithm", KeyConfig.DEFAULT_ALGORITHM);
    Path secretFile = s.path("secretFile", null);
    Path publicKeyFile = s.path("publicKeyFile", null);
    return build(s, () -> new KeyConfig(kid, algorithm, secretFile, publicKeyFile));
  }

  private static GatewayConfig applySecretFile(GatewayConfig config, String secretFile) {
    if (secretFile == null || secretFile.isBlank()) {
      return config;
    }
    int index = config.auth().firstHmacKey();
    if (index < 0) {
      throw new ConfigException("auth.keys",
          "has no HS256 key for " + ENV_JWT_SECRET_FILE + " to replace the secret of");
    }
    KeyConfig key = config.auth().keys().get(index).withSecretFile(Path.of(secretFile.trim()));
    return config.withAuth(config.auth().withKey(index, key));
  }
}
