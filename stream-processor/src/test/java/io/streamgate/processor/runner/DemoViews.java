package io.streamgate.processor.runner;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.json.Json;
import io.streamgate.harness.RedisServer;
import io.streamgate.processor.runner.OrderEvents.Totals;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.JedisCommands;
import redis.clients.jedis.resps.Tuple;

/** What the demo pipeline's views must hold in Redis for a set of produced order events. */
final class DemoViews {
  private DemoViews() {}

  /**
   * The first difference between Redis and what {@code events} imply, or null if there is none:
   * user_totals (counts and sums, so double counting shows), order_status, product_revenue's
   * rank set.
   */
  static String mismatch(RedisServer redis, Keyspace keys, OrderEvents events) {
    try (UnifiedJedis jedis = new JedisPooled(redis.host(), redis.port())) {
      return mismatch(jedis, keys, events);
    }
  }

  /** The same over any client: one server, or a {@code JedisCluster}. */
  static String mismatch(UnifiedJedis jedis, Keyspace keys, OrderEvents events) {
    {
      Map<String, Totals> totals = events.userTotals();
      if (!new TreeSet<>(jedis.zrange(keys.keysIndex("user_totals"), 0, -1))
          .equals(totals.keySet())) {
        return "user_totals keys " + jedis.zrange(keys.keysIndex("user_totals"), 0, -1);
      }
      for (Map.Entry<String, Totals> e : totals.entrySet()) {
        Map<String, Object> value = value(jedis, keys, "user_totals", e.getKey());
        if (value == null || !value.get("orders").equals(e.getValue().orders())
            || Math.abs(((Number) value.get("total")).doubleValue() - e.getValue().total()) > 1e-6) {
          return "user_totals " + e.getKey() + " = " + value + ", expected " + e.getValue();
        }
      }
      for (Map.Entry<String, String> e : events.lastStatus().entrySet()) {
        Map<String, Object> value = value(jedis, keys, "order_status", e.getKey());
        if (value == null || !e.getValue().equals(value.get("status"))) {
          return "order_status " + e.getKey() + " = " + value + ", expected " + e.getValue();
        }
      }
      String indexes = indexMismatch(jedis, keys, "userId", events.lastUser());
      if (indexes == null) {
        indexes = indexMismatch(jedis, keys, "status", events.lastStatus());
      }
      if (indexes != null) {
        return indexes;
      }
      List<Tuple> ranked = jedis.zrevrangeWithScores(keys.rankIndex("product_revenue"), 0, -1);
      List<String> order = ranked.stream().map(Tuple::getElement).toList();
      if (!order.equals(events.productsByRevenue())) {
        return "product_revenue rank order " + order + ", expected " + events.productsByRevenue();
      }
      for (Tuple t : ranked) {
        double expected = events.productRevenue().get(t.getElement());
        if (Math.abs(t.getScore() - expected) > 1e-6) {
          return "product_revenue rank of " + t.getElement() + " = " + t.getScore();
        }
      }
      return null;
    }
  }

  /**
   * order_status declares indexes [userId, status]: each value's index must hold exactly the
   * orders whose last event has that value (also after status changes: an order leaves the set
   * of its old status). Null if so, else the first difference.
   */
  private static String indexMismatch(UnifiedJedis jedis, Keyspace keys, String column,
      Map<String, String> lastValue) {
    Map<String, java.util.Set<String>> expected = new java.util.TreeMap<>();
    lastValue.forEach((order, value) ->
        expected.computeIfAbsent(value, v -> new TreeSet<>()).add(order));
    for (Map.Entry<String, java.util.Set<String>> e : expected.entrySet()) {
      java.util.Set<String> actual = new TreeSet<>(
          jedis.zrange(keys.valueIndex("order_status", column, e.getKey()), 0, -1));
      if (!actual.equals(e.getValue())) {
        return "order_status index " + column + "=" + e.getKey() + " holds " + actual
            + ", expected " + e.getValue();
      }
    }
    return null;
  }

  static Map<String, Object> value(JedisCommands jedis, Keyspace keys, String view, String key) {
    String json = jedis.hget(keys.row(view, key), "value");
    return json == null ? null : Json.parseObject(json);
  }
}
