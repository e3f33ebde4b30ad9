package io.streamgate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamgate.harness.RedisServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Declared value indexes ({@code index_row}, {@code unindex_row}, {@code filter_keys}) on a real redis-server. */
class ValueIndexRedisTest {
  private static final String VIEW = "orders";
  private static final List<String> INDEXES = List.of("userId", "status");
  private static RedisServer redis;
  private final Keyspace keyspace = Keyspace.defaults();
  private Jedis jedis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void connect() {
    jedis = new Jedis(redis.host(), redis.port());
    jedis.flushAll();
  }

  @AfterEach
  void disconnect() {
    jedis.close();
  }

  private long index(String table, String key, long version, String value) {
    Row row = new Row(VIEW, key, version, 0, value);
    return (Long) jedis.eval(Scripts.INDEX_ROW.source(), Scripts.indexRowKeys(keyspace, table),
        Scripts.indexRowArgs(keyspace, table, row, null, INDEXES));
  }

  private long index(String key, long version, String user, String status) {
    return index(VIEW, key, version,
        "{\"userId\":\"" + user + "\",\"status\":\"" + status + "\",\"amount\":1}");
  }

  private long unindex(String key, long version) {
    return (Long) jedis.eval(Scripts.UNINDEX_ROW.source(), Scripts.indexRowKeys(keyspace, VIEW),
        Scripts.unindexRowArgs(keyspace, VIEW, new Tombstone(VIEW, key, version, 1000), 60_000));
  }

  private List<String> members(String column, String value) {
    return jedis.zrange(keyspace.valueIndex(VIEW, column, value), 0, -1);
  }

  @SuppressWarnings("unchecked")
  private List<String> filter(Map<String, String> where, String after, String prefix, int limit,
      int budget) {
    return (List<String>) jedis.eval(Scripts.FILTER_KEYS.source(),
        Scripts.filterKeysKeys(keyspace, VIEW, where),
        Scripts.filterKeysArgs(after, prefix, limit, budget));
  }

  @Test
  void aWriteMovesTheKeyFromItsOldValueToItsNewOne() {
    index("o-1", 1, "u-1", "created");
    index("o-2", 1, "u-1", "created");
    assertEquals(List.of("o-1", "o-2"), members("status", "created"));
    assertEquals(1L, index("o-1", 2, "u-1", "paid"));
    assertEquals(List.of("o-2"), members("status", "created"));
    assertEquals(List.of("o-1"), members("status", "paid"));
    assertEquals(List.of("o-1", "o-2"), members("userId", "u-1"), "unchanged value stays");
    index("o-2", 2, "u-1", "paid");
    assertFalse(jedis.exists(keyspace.valueIndex(VIEW, "status", "created")),
        "an empty value index is deleted");
  }

  @Test
  void anOlderWriteDoesNotMoveTheKeyBack() {
    index("o-1", 5, "u-1", "paid");
    assertEquals(0L, index("o-1", 4, "u-1", "created"));
    assertEquals(List.of("o-1"), members("status", "paid"));
    assertEquals(List.of(), members("status", "created"));
  }

  @Test
  void aDeleteRemovesTheKeyFromEveryValueIndexAndALateWriteCannotBringItBack() {
    index("o-1", 1, "u-1", "paid");
    index("o-2", 1, "u-2", "paid");
    assertEquals(1L, unindex("o-1", 2));
    assertEquals(List.of("o-2"), members("status", "paid"));
    assertFalse(jedis.exists(keyspace.valueIndex(VIEW, "userId", "u-1")));
    assertNull(jedis.hget(keyspace.indexedValues(VIEW), "o-1"));
    assertEquals(0L, index("o-1", 1, "u-1", "paid"), "replayed write older than the delete");
    assertEquals(List.of("o-2"), members("status", "paid"));
  }

  @Test
  void aValueThatIsNotIndexedLeavesNoEntryAndNullingAColumnRemovesIt() {
    String longText = "x".repeat(Indexes.MAX_VALUE_CHARS + 1);
    index(VIEW, "o-1", 1, "{\"userId\":\"u-1\",\"status\":\"" + longText + "\"}");
    assertEquals(List.of("o-1"), members("userId", "u-1"));
    assertEquals("{\"userId\":\"u-1\"}", jedis.hget(keyspace.indexedValues(VIEW), "o-1"));
    index(VIEW, "o-1", 2, "{\"userId\":null,\"status\":\"paid\"}");
    assertEquals(List.of(), members("userId", "u-1"));
    assertEquals(List.of("o-1"), members("status", "paid"));
    index(VIEW, "o-1", 3, "{\"amount\":3}");
    assertNull(jedis.hget(keyspace.indexedValues(VIEW), "o-1"), "no indexed value left");
    assertEquals(List.of(), members("status", "paid"));
  }

  @Test
  void numbersAndBooleansAreIndexedByTheirText() {
    jedis.eval(Scripts.INDEX_ROW.source(), Scripts.indexRowKeys(keyspace, VIEW),
        Scripts.indexRowArgs(keyspace, VIEW, new Row(VIEW, "k", 1, 0,
            "{\"n\":5.0,\"ok\":true}"), null, List.of("n", "ok")));
    assertEquals(List.of("k"), members("n", "5"));
    assertEquals(List.of("k"), members("ok", "true"));
  }

  @Test
  void aViewVersionIndexesInItsOwnTable() {
    String v2 = Names.table(VIEW, 2);
    index(v2, "o-1", 1, "{\"userId\":\"u-1\",\"status\":\"paid\"}");
    assertEquals(List.of(), members("status", "paid"));
    assertEquals(List.of("o-1"),
        jedis.zrange(keyspace.valueIndex(v2, "status", "paid"), 0, -1));
  }

  @Test
  void filterIntersectsInKeyOrderAndPagesWithAResumeKey() {
    for (int i = 0; i < 30; i++) {
      index(String.format("o-%02d", i), 1, i % 3 == 0 ? "u-1" : "u-2", i % 2 == 0 ? "paid" : "created");
    }
    Map<String, String> where = new LinkedHashMap<>();
    where.put("status", "paid");
    where.put("userId", "u-1"); // u-1 and paid: i % 6 == 0 -> 00, 06, 12, 18, 24
    assertEquals(List.of("o-06", "o-00", "o-06"), filter(where, null, null, 2, 1000));
    assertEquals(List.of("o-18", "o-12", "o-18"), filter(where, "o-06", null, 2, 1000));
    assertEquals(List.of("", "o-24"), filter(where, "o-18", null, 2, 1000), "last page");
    assertEquals(List.of("", "o-00", "o-06", "o-12", "o-18", "o-24"),
        filter(where, null, null, 5, 1000), "exactly limit matches: no further page");
    assertEquals(List.of(""), filter(Map.of("status", "nope"), null, null, 5, 1000));
  }

  @Test
  void filterStopsAtItsWalkBudgetAndResumesWhereItStopped() {
    for (int i = 0; i < 20; i++) {
      index(String.format("o-%02d", i), 1, "u-1", i == 19 ? "paid" : "created");
    }
    Map<String, String> where = Map.of("userId", "u-1", "status", "created");
    // the smallest index (created: 19 keys) is walked, 5 at most per call
    assertEquals(List.of("o-04", "o-00", "o-01", "o-02", "o-03", "o-04"),
        filter(where, null, null, 10, 5));
    List<String> all = new ArrayList<>();
    String after = null;
    do {
      List<String> page = filter(where, after, null, 10, 5);
      all.addAll(page.subList(1, page.size()));
      after = page.get(0).isEmpty() ? null : page.get(0);
    } while (after != null);
    assertEquals(19, all.size());
  }

  @Test
  void filterWithAPrefixReturnsOnlyKeysStartingWithIt() {
    for (String key : List.of("acme:1", "acme:2", "acmex:3", "beta:4", "acm:5")) {
      index(key, 1, "u-1", "paid");
    }
    assertEquals(List.of("", "acme:1", "acme:2"),
        filter(Map.of("status", "paid"), null, "acme:", 10, 100));
    assertEquals(List.of("", "acme:2"),
        filter(Map.of("status", "paid"), "acme:1", "acme:", 10, 100));
    assertThrows(IllegalArgumentException.class,
        () -> Scripts.filterKeysArgs("beta:4", "acme:", 10, 100));
  }
}
