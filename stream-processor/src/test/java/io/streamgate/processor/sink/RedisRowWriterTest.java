package io.streamgate.processor.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
import io.streamgate.harness.RedisServer;
import io.streamgate.processor.view.ViewTransform;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The executor-side writer against a real redis-server. */
class RedisRowWriterTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L),
      ZoneOffset.UTC);
  private static final Keyspace KEYS = new Keyspace("t");
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    RedisConnections.closeAll();
    redis.close();
  }

  @BeforeEach
  void flush() {
    try (Jedis jedis = connect()) {
      jedis.flushAll();
    }
  }

  @Test
  void writesRowsKeysAndRanksWithTheBatchVersion() {
    RedisRowWriter writer = writer("product_revenue", 0, true, false);
    WriteCounts counts = writer.write(rows(
        row("p1", "{\"revenue\":14.0}", 14.0), row("p2", "{\"revenue\":2.5}", 2.5)), 7);
    assertEquals(new WriteCounts(2, 2, 0, 0, 0), counts);
    try (Jedis jedis = connect()) {
      assertEquals(Map.of("version", "7", "updatedAt", "1700000000000", "value",
          "{\"revenue\":14.0}"), jedis.hgetAll(KEYS.row("product_revenue", "p1")));
      assertEquals(List.of("p1", "p2"), jedis.zrange(KEYS.keysIndex("product_revenue"), 0, -1));
      assertEquals(List.of("p1", "p2"),
          jedis.zrevrange(KEYS.rankIndex("product_revenue"), 0, -1));
      assertEquals(2.5, jedis.zscore(KEYS.rankIndex("product_revenue"), "p2"));
      assertEquals(-1L, jedis.pttl(KEYS.row("product_revenue", "p1")));
    }
  }

  @Test
  void aReplayedBatchChangesNothingAndANewerOneApplies() {
    RedisRowWriter writer = writer("user_totals", 0, false, false);
    writer.write(rows(row("u1", "{\"total\":1.0}", null)), 3);
    assertEquals(new WriteCounts(1, 0, 1, 0, 0),
        writer.write(rows(row("u1", "{\"total\":999.0}", null)), 3));
    try (Jedis jedis = connect()) {
      assertEquals("{\"total\":1.0}", jedis.hget(KEYS.row("user_totals", "u1"), "value"));
    }
    assertEquals(new WriteCounts(1, 1, 0, 0, 0),
        writer.write(rows(row("u1", "{\"total\":2.0}", null)), 4));
    try (Jedis jedis = connect()) {
      assertEquals("{\"total\":2.0}", jedis.hget(KEYS.row("user_totals", "u1"), "value"));
      assertEquals("4", jedis.hget(KEYS.row("user_totals", "u1"), "version"));
    }
  }

  @Test
  void latestViewsWriteOnlyTheLastRowOfAKey() {
    RedisRowWriter writer = writer("order_status", 0, false, true);
    WriteCounts counts = writer.write(rows(row("o1", "{\"status\":\"created\"}", null),
        row("o2", "{\"status\":\"created\"}", null), row("o1", "{\"status\":\"paid\"}", null)), 1);
    assertEquals(new WriteCounts(3, 2, 0, 1, 0), counts);
    try (Jedis jedis = connect()) {
      assertEquals("{\"status\":\"paid\"}", jedis.hget(KEYS.row("order_status", "o1"), "value"));
    }
  }

  @Test
  void reloadsScriptsAfterNoscript() {
    try (Jedis jedis = connect()) {
      jedis.scriptFlush();
    }
    WriteCounts counts = writer("v", 0, true, false).write(rows(row("k", "{}", 1.0)), 1);
    assertEquals(new WriteCounts(1, 1, 0, 0, 0), counts);
    try (Jedis jedis = connect()) {
      assertEquals(1.0, jedis.zscore(KEYS.rankIndex("v"), "k"));
    }
  }

  @Test
  void ttlReachesTheRow() {
    writer("v", 60_000, false, false).write(rows(row("k", "{}", null)), 1);
    try (Jedis jedis = connect()) {
      long pttl = jedis.pttl(KEYS.row("v", "k"));
      assertTrue(pttl > 50_000 && pttl <= 60_000, "pttl " + pttl);
    }
  }

  @Test
  void skipsRowsWithoutAServableKey() {
    WriteCounts counts = writer("v", 0, true, false).write(rows(row(null, "{}", 1.0),
        row("bad\u0001key", "{}", 1.0), row("ok", "{}", null)), 1);
    assertEquals(new WriteCounts(3, 1, 0, 0, 2), counts);
    try (Jedis jedis = connect()) {
      assertEquals(List.of("ok"), jedis.zrange(KEYS.keysIndex("v"), 0, -1));
      assertNull(jedis.zscore(KEYS.rankIndex("v"), "ok"), "a null rank is not indexed");
    }
  }

  @Test
  void writesMoreRowsThanOnePipelineChunk() {
    List<Row> many = new ArrayList<>();
    int n = RedisRowWriter.CHUNK_ROWS * 2 + 7;
    for (int i = 0; i < n; i++) {
      many.add(row("k" + i, "{\"i\":" + i + "}", (double) i));
    }
    assertEquals(new WriteCounts(n, n, 0, 0, 0), writer("v", 0, true, false).write(many.iterator(), 1));
    try (Jedis jedis = connect()) {
      assertEquals(n, jedis.zcard(KEYS.rankIndex("v")));
    }
  }

  @Test
  void keepsDeclaredIndexesAcrossChangesAndDeletesAndResetRemovesThem() {
    StructType schema = new StructType().add(ViewTransform.KEY, DataTypes.StringType)
        .add(ViewTransform.VALUE, DataTypes.StringType)
        .add(ViewTransform.DELETED, DataTypes.BooleanType);
    RedisRowWriter writer = new RedisRowWriter(redis.uri(), "t", "orders.v2", 0,
        ServingRowReader.of(schema, List.of("userId", "status")), false, CLOCK, 60_000);
    writer.write(rows(RowFactory.create("o-1", "{\"userId\":\"u-1\",\"status\":\"created\"}",
        false), RowFactory.create("o-2", "{\"userId\":\"u-1\",\"status\":\"created\"}",
        false)), 1);
    writer.write(rows(RowFactory.create("o-1", "{\"userId\":\"u-1\",\"status\":\"paid\"}",
        false), RowFactory.create("o-2", null, true)), 2);
    try (Jedis jedis = connect()) {
      assertEquals(List.of("o-1"), jedis.zrange(KEYS.valueIndex("orders.v2", "userId", "u-1"),
          0, -1));
      assertEquals(List.of("o-1"), jedis.zrange(KEYS.valueIndex("orders.v2", "status", "paid"),
          0, -1));
      assertTrue(!jedis.exists(KEYS.valueIndex("orders.v2", "status", "created")),
          "o-1 moved on and o-2 was deleted: the set is gone");
    }
    ViewVersions.reset(redis.uri(), KEYS, "orders.v2");
    try (Jedis jedis = connect()) {
      assertEquals(java.util.Set.of(), jedis.keys("*orders.v2*"), "every key of the table");
    }
  }

  private static RedisRowWriter writer(String view, long ttl, boolean ranked, boolean latest) {
    StructType schema = new StructType().add(ViewTransform.KEY, DataTypes.StringType)
        .add(ViewTransform.VALUE, DataTypes.StringType);
    if (ranked) {
      schema = schema.add(ViewTransform.RANK, DataTypes.DoubleType);
    }
    return new RedisRowWriter(redis.uri(), "t", view, ttl, ServingRowReader.of(schema), latest,
        CLOCK);
  }

  private static Row row(String key, String value, Double rank) {
    return RowFactory.create(key, value, rank);
  }

  private static Iterator<Row> rows(Row... rows) {
    return List.of(rows).iterator();
  }

  private static Jedis connect() {
    return new Jedis(java.net.URI.create(redis.uri()));
  }
}
