package io.streamgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.contract.Script;
import io.streamgate.contract.Scripts;
import io.streamgate.contract.Tombstone;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.config.AuthConfig;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.config.HttpConfig;
import io.streamgate.gateway.config.WarmupConfig;
import io.streamgate.gateway.config.KeyConfig;
import io.streamgate.gateway.config.LimitsConfig;
import io.streamgate.gateway.config.ManagementConfig;
import io.streamgate.gateway.config.RedisConfig;
import io.streamgate.gateway.http.ProblemHandler;
import io.streamgate.gateway.http.ProblemType;
import io.streamgate.gateway.store.RedisStore;
import io.streamgate.harness.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A real gateway (port 0, two server instances) on a real {@code redis-server}, plus what tests
 * need around it: seeding through the contract's scripts, minting tokens the way the CLI does
 * and a plain JDK HTTP client (so the server is tested from outside Vert.x).
 */
public final class GatewayFixture implements AutoCloseable {
  public static final String SECRET = "test-secret-that-is-long-enough-for-hs256!";
  public static final String NAMESPACE = "sgtest";
  public static final int REDIS_TIMEOUT_MS = 500;
  public static final long TOMBSTONE_RETENTION_MS = 86_400_000;

  public final RedisServer redis;
  public final Vertx vertx;
  public final Keyspace keyspace = new Keyspace(NAMESPACE);
  public final Gateway gateway;
  private final Redis seedClient;
  private final JWTAuth signer;
  // HTTP/1.1: with the JDK client's default h2c upgrade, EventIngestIT once read a /metrics
  // answer as HTTP/2 frames ("Frame type(117) length(7633775) exceeds MAX_FRAME_SIZE"), and
  // OpenApiTest once hung; the upgrade path is not what these tests are about.
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private GatewayFixture(RedisServer redis, Vertx vertx, Gateway gateway, Redis seedClient,
      JWTAuth signer) {
    this.redis = redis;
    this.vertx = vertx;
    this.gateway = gateway;
    this.seedClient = seedClient;
    this.signer = signer;
  }

  /** Starts Redis, runs {@code seed} against it, then starts the gateway. */
  public static GatewayFixture start(Path tempDir, Consumer<Seeder> seed) {
    return start(tempDir, seed, UnaryOperator.identity());
  }

  /** Like {@link #start(Path, Consumer)}, with the test's changes to the configuration. */
  public static GatewayFixture start(Path tempDir, Consumer<Seeder> seed,
      UnaryOperator<GatewayConfig> configure) {
    RedisServer redis = RedisServer.start();
    try {
      return start(tempDir, redis, redis.uri(), seed, configure);
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
  }

  /**
   * Starts a gateway against {@code redisUri}, which need not be up; {@code redis} (may be null)
   * is closed with the fixture.
   */
  public static GatewayFixture start(Path tempDir, RedisServer redis, String redisUri,
      Consumer<Seeder> seed) {
    return start(tempDir, redis, redisUri, seed, UnaryOperator.identity());
  }

  public static GatewayFixture start(Path tempDir, RedisServer redis, String redisUri,
      Consumer<Seeder> seed, UnaryOperator<GatewayConfig> configure) {
    Vertx vertx = Vertx.vertx();
    try {
      // Several comma-separated URLs are the seeds of a Redis Cluster.
      RedisConfig redisConfig = new RedisConfig(redisUri, NAMESPACE, REDIS_TIMEOUT_MS, 4, 1024,
          redisUri.contains(",") ? RedisConfig.CLUSTER : RedisConfig.STANDALONE);
      Redis seedClient = Redis.createClient(vertx, RedisStore.clientOptions(redisConfig));
      seed.accept(new Seeder(seedClient, new Keyspace(NAMESPACE)));
      Path secretFile = tempDir.resolve("jwt.secret");
      Files.writeString(secretFile, SECRET + "\n");
      // No warm-up: these gateways serve tests of other features (WarmupIT turns it on).
      // The management listener on a free port too (its default, 9090, is one per machine).
      GatewayConfig config = configure.apply(new GatewayConfig(
          new HttpConfig("127.0.0.1", 0, 2, true).withWarmup(WarmupConfig.off()),
          redisConfig,
          new AuthConfig("streamgate", "streamgate", 5,
              List.of(new KeyConfig("demo", "HS256", secretFile))))
          // Test tokens mostly carry no plan: the generous plan, not the most restrictive one.
          .withLimits(LimitsConfig.defaults().withFallbackPlan(LimitsConfig.DEFAULT_PLAN))
          .withManagement(ManagementConfig.defaults().withPort(0)));
      Gateway gateway = Gateway.start(vertx, config).await();
      JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
      return new GatewayFixture(redis, vertx, gateway, seedClient, signer);
    } catch (IOException e) {
      vertx.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  public Seeder seeder() {
    return new Seeder(seedClient, keyspace);
  }

  /** A token like {@code streamgate token} issues: HS256, iss/aud streamgate, 5 min expiry. */
  public String token(String scope) {
    return token(new JsonObject().put("sub", "tester").put("scope", scope), new JWTOptions()
        .setIssuer("streamgate").setAudience(List.of("streamgate")).setExpiresInMinutes(5));
  }

  public String token(JsonObject claims, JWTOptions options) {
    return signer.generateToken(claims, options);
  }

  public HttpResponse<String> get(String path, String token, String... headers) {
    return get(gateway.port(), path, token, headers);
  }

  /** A GET on the management listener ({@code /metrics}, health details, the admin API). */
  public HttpResponse<String> management(String path, String token, String... headers) {
    return get(gateway.managementPort(), path, token, headers);
  }

  /** {@code GET /metrics} of the management listener: the Prometheus text. */
  public String metrics() {
    HttpResponse<String> response = management("/metrics", null);
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  /** Sends any request (JDK client, HTTP/1.1) and returns the answer. */
  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private HttpResponse<String> get(int port, String path, String token, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      gateway.close().await();
    } finally {
      vertx.close().await();
      if (redis != null) {
        redis.close();
      }
    }
  }

  /** Writes to Redis the way the processor does: only through the contract's scripts. */
  public static final class Seeder {
    private final Redis client;
    private final Keyspace keyspace;

    public Seeder(Redis client, Keyspace keyspace) {
      this.client = client;
      this.keyspace = keyspace;
    }

    public void register(String view, String... columns) {
      List<CatalogEntry.Column> cols = new ArrayList<>();
      for (String c : columns) {
        cols.add(new CatalogEntry.Column(c, "bigint"));
      }
      register(new CatalogEntry(view, "test view " + view, "key", ViewKind.AGGREGATE, cols, null,
          0, System.currentTimeMillis()));
    }

    public void register(CatalogEntry entry) {
      eval(Scripts.REGISTER_VIEW, Scripts.registerViewKeys(keyspace),
          Scripts.registerViewArgs(keyspace, entry));
    }

    public long write(Row row) {
      return eval(Scripts.WRITE_ROW, Scripts.writeRowKeys(keyspace, row),
          Scripts.writeRowArgs(keyspace, row, 0)).toLong();
    }

    /** Writes into {@code table}, one version of the row's view ({@code Names.table}). */
    public long write(String table, Row row) {
      return eval(Scripts.WRITE_ROW, Scripts.writeRowKeys(keyspace, table, row),
          Scripts.writeRowArgs(keyspace, table, row, 0)).toLong();
    }

    /** Adds the row to its view's key index and, with a rank, to the rank index. */
    public void index(Row row, Double rank) {
      index(row.view(), row, rank);
    }

    public void index(String table, Row row, Double rank) {
      eval(Scripts.INDEX_ROW, Scripts.indexRowKeys(keyspace, table),
          Scripts.indexRowArgs(row, rank));
    }

    /**
     * The processor's write of a row of a view with {@code indexes}: the row with its change
     * message, then its key and value index entries.
     */
    public long writeIndexed(String table, Row row, List<String> indexes) {
      long applied = write(table, row);
      eval(Scripts.INDEX_ROW, Scripts.indexRowKeys(keyspace, table),
          Scripts.indexRowArgs(keyspace, table, row, null, indexes));
      return applied;
    }

    /** Deletes from version 1 of the view, keeping the tombstone for a day. */
    public long delete(Tombstone tombstone) {
      return delete(tombstone.view(), tombstone, TOMBSTONE_RETENTION_MS);
    }

    /**
     * The processor's delete: the tombstone (kept {@code retentionMs}) with its change message,
     * then the index entries.
     */
    public long delete(String table, Tombstone tombstone, long retentionMs) {
      long applied = eval(Scripts.DELETE_ROW, Scripts.deleteRowKeys(keyspace, table, tombstone),
          Scripts.deleteRowArgs(keyspace, table, tombstone, retentionMs)).toLong();
      eval(Scripts.UNINDEX_ROW, Scripts.indexRowKeys(keyspace, table),
          Scripts.unindexRowArgs(keyspace, table, tombstone, retentionMs));
      return applied;
    }

    /** Only the tombstone, its index entries left in place: a page racing the delete. */
    public long deleteRowOnly(String table, Tombstone tombstone) {
      return eval(Scripts.DELETE_ROW, Scripts.deleteRowKeys(keyspace, table, tombstone),
          Scripts.deleteRowArgs(keyspace, table, tombstone, TOMBSTONE_RETENTION_MS)).toLong();
    }

    /** Raw HSET into the catalog hash, for entries the processor would never write. */
    public void rawCatalogEntry(String name, String json) {
      send(Request.cmd(Command.HSET).arg(keyspace.catalog()).arg(name).arg(json));
    }

    public Response send(Request request) {
      return client.send(request).await();
    }

    private Response eval(Script script, List<String> keys, List<String> args) {
      Request request = Request.cmd(Command.EVAL).arg(script.source()).arg(keys.size());
      keys.forEach(request::arg);
      args.forEach(request::arg);
      return send(request);
    }
  }

  /** Parses a JSON body (vertx JSON is fine in tests; production uses the contract's). */
  public static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }


  public static void assertProblem(HttpResponse<String> response, int status, String type) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(ProblemHandler.CONTENT_TYPE,
        response.headers().firstValue("Content-Type").orElseThrow());
    JsonObject problem = json(response);
    assertEquals(ProblemType.TYPE_BASE + type, problem.getString("type"));
    assertEquals(status, problem.getInteger("status"));
    assertTrue(problem.containsKey("title") && problem.containsKey("detail")
        && problem.containsKey("instance"), problem.encode());
    assertFalse(response.body().contains("Exception"), response.body());
    assertTrue(response.headers().firstValue("X-Request-Id").isPresent());
  }
}
