package io.streamgate.gateway.http;

import static io.streamgate.gateway.GatewayFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Row;
import io.streamgate.contract.Slots;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.streamgate.harness.RedisCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
