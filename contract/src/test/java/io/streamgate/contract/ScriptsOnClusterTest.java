package io.streamgate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.harness.RedisServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A cluster-enabled redis-server owning every slot: it enforces the same single-slot rule for
 * scripts as a real Redis Cluster, so the contract's key layout is checked against it.
 */
class ScriptsOnClusterTest {
  private static RedisServer node;
  private static Jedis jedis;
  private final Keyspace keyspace = Keyspace.defaults();

  @BeforeAll
  static void startClusterNode() throws InterruptedException {
    node = RedisServer.start(RedisServer.Options.defaults().withClusterEnabled(true));
    jedis = new Jedis(node.host(), node.port());
    jedis.sendCommand(Protocol.Command.CLUSTER, "ADDSLOTSRANGE", "0", "16383");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!jedis.clusterInfo().contains("cluster_state:ok")) {
      assertTrue(System.nanoTime() < deadline, "cluster node never reached cluster_state:ok");
      Thread.sleep(50);
    }
  }

  @AfterAll
  static void stop() {
    jedis.close();
    node.close();
  }

  @Test
  void slotsComputedInJavaMatchTheServer() {
    for (String key : List.of(keyspace.row("user_totals", "u-1"), keyspace.row("v", "{tag}x"),
        keyspace.keysIndex("product_revenue"), keyspace.catalog(), "123456789")) {
      assertEquals(jedis.clusterKeySlot(key), Slots.slot(key), key);
    }
  }

  @Test
  void everyContractScriptRunsOnOneSlot() {
    Row row = new Row("product_revenue", "p-7", 1, 1, "{\"revenue\":12.5}");
    assertEquals(1L, jedis.eval(Scripts.WRITE_ROW.source(),
        Scripts.writeRowKeys(keyspace, row), Scripts.writeRowArgs(keyspace, row, 0)));
    assertEquals(1L, jedis.eval(Scripts.INDEX_ROW.source(),
        Scripts.indexRowKeys(keyspace, row.view()), Scripts.indexRowArgs(row, 12.5)));
    Tombstone deleted = new Tombstone(row.view(), row.key(), 2, 2);
    assertEquals(1L, jedis.eval(Scripts.DELETE_ROW.source(),
        Scripts.deleteRowKeys(keyspace, row.view(), deleted),
        Scripts.deleteRowArgs(keyspace, row.view(), deleted, 1000)));
    assertEquals(1L, jedis.eval(Scripts.UNINDEX_ROW.source(),
        Scripts.indexRowKeys(keyspace, row.view()), Scripts.unindexRowArgs(keyspace, row.view(), deleted, 1000)));
  }

  @Test
  void valueIndexesAreMovedAndFilteredInTheViewsSlot() {
    String table = "order_status.v2";
    Row paid = new Row("order_status", "o-1", 1, 1, "{\"userId\":\"u-1\",\"status\":\"paid\"}");
    Row shipped = new Row("order_status", "o-1", 2, 2,
        "{\"userId\":\"u-1\",\"status\":\"shipped\"}");
    List<String> indexes = List.of("userId", "status");
    for (Row row : List.of(paid, shipped)) {
      assertEquals(1L, jedis.eval(Scripts.INDEX_ROW.source(), Scripts.indexRowKeys(keyspace, table),
          Scripts.indexRowArgs(keyspace, table, row, null, indexes)));
    }
    int slot = Slots.slot(keyspace.keysIndex(table));
    assertEquals(slot, Slots.slot(keyspace.valueIndex(table, "status", "shipped")));
    assertEquals(0L, jedis.exists(keyspace.valueIndex(table, "status", "paid")) ? 1L : 0L);
    assertEquals(List.of("", "o-1"), jedis.eval(Scripts.FILTER_KEYS.source(),
        Scripts.filterKeysKeys(keyspace, table, java.util.Map.of("status", "shipped",
            "userId", "u-1")), Scripts.filterKeysArgs(null, null, 10, 100)));
    Tombstone deleted = new Tombstone("order_status", "o-1", 3, 3);
    assertEquals(1L, jedis.eval(Scripts.UNINDEX_ROW.source(), Scripts.indexRowKeys(keyspace, table),
        Scripts.unindexRowArgs(keyspace, table, deleted, 1000)));
    assertTrue(!jedis.exists(keyspace.valueIndex(table, "status", "shipped")));
  }

  @Test
  void serverRefusesScriptsSpanningSlots() {
    // The check this layout is designed for: keys of two views share no slot.
    List<String> crossSlot = List.of(keyspace.keysIndex("a"), keyspace.keysIndex("b"));
    JedisDataException e = assertThrows(JedisDataException.class,
        () -> jedis.eval("return 1", crossSlot, List.of()));
    assertTrue(e.getMessage().startsWith("CROSSSLOT"), e.getMessage());
  }
}
