package io.streamgate.gateway.rest;

import static io.streamgate.gateway.GatewayFixture.json;
import static io.streamgate.gateway.GatewayFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.contract.Scripts;
import io.streamgate.contract.Tombstone;
import io.streamgate.contract.ViewKind;
import io.streamgate.gateway.GatewayFixture;
import io.streamgate.gateway.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paging over the key index and top-N over the rank index, seeded through the contract. */
class IndexIT {
  private static final int PRODUCTS = 120;

  @TempDir static Path tempDir;
  static GatewayFixture fx;
  static String token;

  @BeforeAll
  static void start() {
    fx = GatewayFixture.start(tempDir, seed -> {
      seed.register(new CatalogEntry("product_revenue", "Revenue per product", "productId",
          ViewKind.AGGREGATE, List.of(new CatalogEntry.Column("revenue", "double")), "revenue",
          0, 1));
      seed.register("user_totals", "orders");
      for (int i = 0; i < PRODUCTS; i++) {
        // Revenue i * 7 mod 1000: distinct, not in key order.
        index(seed, new Row("product_revenue", key(i), 1, 1, "{\"revenue\":" + revenue(i) + "}"),
            (double) revenue(i));
      }
      seed.register(new CatalogEntry("scores", "deletes", "player", ViewKind.AGGREGATE,
          List.of(new CatalogEntry.Column("points", "bigint")), "points", 0, 1));
      for (int i = 1; i <= 4; i++) {
        index(seed, new Row("scores", "s" + i, 1, 1, "{\"points\":" + i + "}"), (double) i);
      }
      index(seed, new Row("user_totals", "top", 1, 1, "{\"orders\":1}"), null);
      index(seed, new Row("user_totals", "gone", 1, 1, "{\"orders\":3}"), null);
      index(seed, new Row("user_totals", "u1", 1, 1, "{\"orders\":2}"), null);
    });
    token = fx.token("views:read");
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  private static String key(int i) {
    return "p" + i;
  }

  private static int revenue(int i) {
    return (i * 7919) % 1000;
  }

  /** Writes the row and its index entries the way the processor does. */
  private static void index(GatewayFixture.Seeder seed, Row row, Double rank) {
    seed.write(row);
    List<String> keys = Scripts.indexRowKeys(new Keyspace(GatewayFixture.NAMESPACE), row.view());
    Request eval = Request.cmd(Command.EVAL).arg(Scripts.INDEX_ROW.source()).arg(keys.size());
    keys.forEach(eval::arg);
    Scripts.indexRowArgs(row, rank).forEach(eval::arg);
    seed.send(eval);
  }

  @Test
  void pagesVisitEveryKeyOnceInKeyOrder() {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      HttpResponse<String> page = fx.get("/v1/views/product_revenue?limit=50"
          + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertEquals(200, page.statusCode(), page.body());
      JsonObject body = json(page);
      assertEquals("product_revenue", body.getString("view"));
      JsonArray rows = body.getJsonArray("rows");
      assertTrue(rows.size() <= 50);
      for (int i = 0; i < rows.size(); i++) {
        seen.add(rows.getJsonObject(i).getString("key"));
      }
      cursor = body.getString("next");
      pages++;
    } while (cursor != null);
    assertEquals(3, pages, "50 + 50 + 20");
    assertEquals(new ArrayList<>(new TreeSet<>(seen)), seen, "key order, no repeats");
    assertEquals(PRODUCTS, seen.size());
  }

  @Test
  void theDefaultPageIs50AndTheLimitIsChecked() {
    assertEquals(50, json(fx.get("/v1/views/product_revenue", token)).getJsonArray("rows").size());
    assertProblem(fx.get("/v1/views/product_revenue?limit=0", token), 400, "bad-request");
    assertProblem(fx.get("/v1/views/product_revenue?limit=501", token), 400, "bad-request");
    assertProblem(fx.get("/v1/views/product_revenue?limit=ten", token), 400, "bad-request");
    assertProblem(fx.get("/v1/views/product_revenue?cursor=%25%25", token), 400, "bad-request");
    HttpResponse<String> all = fx.get("/v1/views/product_revenue?limit=500", token);
    assertEquals(PRODUCTS, json(all).getJsonArray("rows").size());
    assertNull(json(all).getString("next"));
  }

  @Test
  void keysWhoseRowIsGoneAreSkipped() {
    // As if a TTL expired the row before the processor cleaned the index (never read before,
    // so the near cache does not hold it either).
    fx.seeder().send(Request.cmd(Command.DEL).arg(fx.keyspace.row("user_totals", "gone")));
    JsonObject body = json(fx.get("/v1/views/user_totals?limit=10", token));
    List<String> keys = new ArrayList<>();
    body.getJsonArray("rows").forEach(r -> keys.add(((JsonObject) r).getString("key")));
    assertEquals(List.of("top", "u1"), keys);
  }

  @Test
  void deletedRowsLeavePagesAndTopNAlsoWhenAReadRacesTheDelete() {
    assertEquals(List.of("s4", "s3", "s2", "s1"), keysOf(fx.get("/v1/views/scores/top", token)));
    // A delete as the processor makes it: tombstone, then the index entries removed.
    assertEquals(1, fx.seeder().delete(new Tombstone("scores", "s4", 2, 5)));
    // A read between the two steps finds the key indexed and its row a tombstone.
    assertEquals(1, fx.seeder().deleteRowOnly("scores", new Tombstone("scores", "s2", 2, 5)));
    // The first read cached s2's row; the delete's message reaches the near cache within ms.
    Poll.until(Duration.ofSeconds(2), () -> keysOf(fx.get("/v1/views/scores/top", token)),
        List.of("s3", "s1")::equals, "top without the deleted keys");
    assertEquals(List.of("s1", "s3"), keysOf(fx.get("/v1/views/scores?limit=10", token)));
    List<String> indexed = new ArrayList<>();
    fx.seeder().send(Request.cmd(Command.ZRANGE).arg(fx.keyspace.keysIndex("scores")).arg(0)
        .arg(-1)).forEach(r -> indexed.add(r.toString()));
    assertEquals(List.of("s1", "s2", "s3"), indexed, "s2's index entry is still there");
  }

  private static List<String> keysOf(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    List<String> keys = new ArrayList<>();
    json(response).getJsonArray("rows").forEach(r -> keys.add(((JsonObject) r).getString("key")));
    return keys;
  }

  @Test
  void topReturnsTheHighestRankedRowsHighestFirst() {
    HttpResponse<String> response = fx.get("/v1/views/product_revenue/top?n=5", token);
    assertEquals(200, response.statusCode(), response.body());
    JsonObject body = json(response);
    assertEquals("revenue", body.getString("rank"));
    JsonArray rows = body.getJsonArray("rows");
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < PRODUCTS; i++) {
      expected.add(revenue(i));
    }
    expected.sort((a, b) -> b - a);
    List<Integer> got = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      got.add(rows.getJsonObject(i).getJsonObject("value").getInteger("revenue"));
    }
    assertEquals(expected.subList(0, 5), got);
    assertEquals(10, json(fx.get("/v1/views/product_revenue/top", token))
        .getJsonArray("rows").size(), "default n");
    assertProblem(fx.get("/v1/views/product_revenue/top?n=101", token), 400, "bad-request");
  }

  @Test
  void topOfAnUnrankedViewIs404AndAKeyNamedTopIsReadWithKeys() {
    HttpResponse<String> unranked = fx.get("/v1/views/user_totals/top", token);
    assertProblem(unranked, 404, "not-found");
    assertTrue(json(unranked).getString("detail").contains("?keys=top"));
    JsonObject many = json(fx.get("/v1/views/user_totals?keys=top", token));
    assertEquals("top", many.getJsonArray("rows").getJsonObject(0).getString("key"));
  }

  @Test
  void scopesAreCheckedBeforeTheIndex() {
    String other = fx.token("views:user_totals:read");
    assertProblem(fx.get("/v1/views/product_revenue?limit=5", other), 403, "forbidden");
    assertProblem(fx.get("/v1/views/product_revenue/top", other), 403, "forbidden");
  }
}
