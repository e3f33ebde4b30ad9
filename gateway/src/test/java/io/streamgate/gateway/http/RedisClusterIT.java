package io.streamgate.gateway.http;

import static io.streamgate.gateway.GatewayFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Names;
import io.streamgate.contract.Row;
import io.streamgate.contract.Slots;
import io.streamgate.contract.Tombstone;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.gateway.config.RedisConfig;
import io.streamgate.gateway.store.RedisStore;
import io.streamgate.gateway.store.RowBatch;
import io.streamgate.gateway.store.internal.RedisViewStore;
import io.streamgate.harness.RedisCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read path on a Redis Cluster of three redis-server primaries (formed with
 * {@code redis-cli --cluster create}): rows spread over every node, so point reads, multi-gets,
 * pages and top-N all cross slots, and change messages published on any node reach the near
 * cache.
 */
class RedisClusterIT {
  private static final int ROWS = 60;

  @TempDir static Path tempDir;
  static RedisCluster cluster;
  static GatewayFixture fx;
  static String token;

  @BeforeAll
  static void start() {
    cluster = RedisCluster.start(3);
    fx = GatewayFixture.start(tempDir, null, cluster.seedUrls(), seed -> {
      seed.register(new CatalogEntry("scores", "ranked test view", "player", ViewKind.AGGREGATE,
          List.of(new CatalogEntry.Column("points", "bigint")), "points", 0,
          System.currentTimeMillis()));
      for (int i = 0; i < ROWS; i++) {
        Row row = new Row("scores", "p" + i, 1, 1, "{\"points\":" + i + "}");
        seed.write(row);
        seed.index(row, (double) i);
      }
      // A view with a second version backfilling beside the first, each in its own table.
      seed.register(versioned(1, List.of(2L)));
      for (int i = 0; i < 20; i++) {
        for (long version : new long[] {1, 2}) {
          long points = version * 1000 + i;
          Row row = new Row("versioned", "k" + i, 1, 1, "{\"points\":" + points + "}");
          seed.write(Names.table("versioned", version), row);
          seed.index(Names.table("versioned", version), row, (double) i);
        }
      }
    });
    token = fx.token("views:read");
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void pointReadsAndMultiGetsReachRowsOnEveryNode() {
    Set<Integer> slots = new HashSet<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      keys.add("p" + i);
      slots.add(Slots.slot(fx.keyspace.row("scores", "p" + i)));
    }
    assertTrue(slots.size() > 50, "rows spread over many slots: " + slots.size());

    HttpResponse<String> one = fx.get("/v1/views/scores/p7", token);
    assertEquals(200, one.statusCode(), one.body());
    assertEquals(7, json(one).getJsonObject("value").getInteger("points"));

    HttpResponse<String> many = fx.get("/v1/views/scores?keys=" + String.join(",", keys) + ",nobody",
        token);
    assertEquals(200, many.statusCode(), many.body());
    assertEquals(ROWS, json(many).getJsonArray("rows").size());
    assertEquals(new JsonArray().add("nobody"), json(many).getJsonArray("missing"));
  }

  @Test
  void aMultiGetIsOneBatchPerNodeNotOneCommandPerKey() throws Exception {
    // Two commands in flight and eight waiting: 61 single commands would be refused at once.
    Vertx vertx = Vertx.vertx();
    try {
      RedisConfig config = new RedisConfig(cluster.seedUrls(), fx.keyspace.prefix(), 5_000, 2, 8,
          RedisConfig.CLUSTER);
      Redis client = RedisStore.client(vertx, config, config.poolSize(), config.poolWaiting());
      RedisViewStore store = new RedisViewStore(client, fx.keyspace, config.redactedUrl(), true);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < ROWS; i++) {
        keys.add("p" + i);
      }
      keys.add("nobody");
      for (int call = 0; call < 2; call++) { // the first one waits for the slot map
        RowBatch batch = store.getAll("scores", 1, keys).await(20, TimeUnit.SECONDS);
        assertEquals(ROWS, batch.found().size());
        assertEquals(List.of("nobody"), batch.missing());
        assertEquals("p42", batch.found().get(42).key(), "rows in the order asked");
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void pagesAndTopNWorkAcrossSlots() {
    HttpResponse<String> top = fx.get("/v1/views/scores/top?n=3", token);
    assertEquals(200, top.statusCode(), top.body());
    JsonArray rows = json(top).getJsonArray("rows");
    assertEquals(List.of("p59", "p58", "p57"),
        rows.stream().map(r -> ((JsonObject) r).getString("key")).toList());

    Set<String> seen = new HashSet<>();
    String cursor = null;
    do {
      HttpResponse<String> page = fx.get("/v1/views/scores?limit=25"
          + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertEquals(200, page.statusCode(), page.body());
      json(page).getJsonArray("rows").forEach(r -> seen.add(((JsonObject) r).getString("key")));
      cursor = json(page).getString("next");
    } while (cursor != null);
    assertEquals(ROWS, seen.size());
  }

  static CatalogEntry versioned(long version, List<Long> others) {
    return new CatalogEntry("versioned", "two versions", "k", ViewKind.AGGREGATE,
        List.of(new CatalogEntry.Column("points", "bigint")), "points", 0, 1, version, others);
  }

  @Test
  void viewVersionsAndDeletesAcrossSlots() {
    HttpResponse<String> v1 = fx.get("/v1/views/versioned/k3", token);
    assertEquals(1003, json(v1).getJsonObject("value").getInteger("points"));
    assertEquals("1", v1.headers().firstValue("Streamgate-View-Version").orElseThrow());
    HttpResponse<String> v2 = fx.get("/v1/views/versioned/k3?version=2", token);
    assertEquals(2003, json(v2).getJsonObject("value").getInteger("points"));
    assertEquals("\"2.1\"", v2.headers().firstValue("ETag").orElseThrow());

    fx.seeder().register(versioned(2, List.of(1L)));
    Poll.until(Duration.ofSeconds(5), () -> fx.get("/v1/views/versioned/k3", token)
        .headers().firstValue("Streamgate-View-Version").orElse(""), "2"::equals, "switched");

    // A delete in version 2 (its channel on whichever node): row-deleted, gone from the index.
    assertEquals(1, fx.seeder().delete(Names.table("versioned", 2),
        new Tombstone("versioned", "k3", 2, 77), GatewayFixture.TOMBSTONE_RETENTION_MS));
    HttpResponse<String> deleted = Poll.until(Duration.ofSeconds(5),
        () -> fx.get("/v1/views/versioned/k3", token), r -> r.statusCode() == 404,
        "k3 deleted in version 2");
    assertEquals(2, json(deleted).getLong("version"));
    assertTrue(json(deleted).getString("type").endsWith("/row-deleted"), deleted.body());
    assertEquals(200, fx.get("/v1/views/versioned/k3?version=1", token).statusCode(),
        "version 1 has its own rows");
    HttpResponse<String> many = fx.get("/v1/views/versioned?keys=k2,k3,k4", token);
    assertEquals(new JsonArray().add("k3"), json(many).getJsonArray("missing"));
    assertEquals(2, json(many).getJsonArray("deleted").getJsonObject(0).getLong("version"));
    Set<String> paged = new HashSet<>();
    json(fx.get("/v1/views/versioned?limit=100", token)).getJsonArray("rows")
        .forEach(r -> paged.add(((JsonObject) r).getString("key")));
    assertEquals(19, paged.size());
    assertTrue(!paged.contains("k3"));

    // A write to version 2 reaches the near cache by its message.
    fx.seeder().write(Names.table("versioned", 2), new Row("versioned", "k4", 2, 2,
        "{\"points\":9}"));
    Poll.until(Duration.ofSeconds(5), () -> fx.get("/v1/views/versioned/k4", token).body(),
        body -> body.contains("\"points\":9"), "k4 at version 2 of version 2");
  }

  @Test
  void aWriteOnAnyNodeReachesTheGatewayByItsChangeMessage() {
    assertEquals(200, fx.get("/v1/views/scores/p3", token).statusCode());
    Row next = new Row("scores", "p3", 2, 2, "{\"points\":1000}");
    assertEquals(1, fx.seeder().write(next));
    Poll.until(Duration.ofSeconds(5), () -> fx.get("/v1/views/scores/p3", token).body(),
        body -> body.contains("\"version\":2"), "p3 at version 2");
    assertEquals(200, fx.get("/health/ready", null).statusCode());
  }
}
