package io.streamgate.processor.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.contract.Keyspace;
import io.streamgate.harness.RedisServer;
import io.streamgate.processor.view.ViewTransform;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * What declared indexes cost the processor's sink, not a timed test: skipped unless
 * {@code -Dstreamgate.bench=true}. Writes the same stream of order rows (latest view: 100,000
 * orders of 10,000 users, each order written 3 times with its status moving on) through
 * {@link RedisRowWriter}, once without indexes and once with {@code [userId, status]}, against
 * its own redis-server, and prints rows/s. The Spark query before the sink is the same with and
 * without indexes, so this is the whole difference. Checks the value indexes afterwards.
 *
 * <pre>
 * mvn -B -pl stream-processor -am verify -Dit.test=IndexWriteBenchIT -Dtest=none \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dstreamgate.bench=true
 * </pre>
 */
class IndexWriteBenchIT {
  private static final int ORDERS = 100_000;
  private static final int USERS = 10_000;
  private static final String[] STATUS = {"created", "paid", "shipped"};
  private static final int BATCH = 10_000;

  @Test
  void indexMaintenanceCost() {
    Assumptions.assumeTrue(Boolean.getBoolean("streamgate.bench"),
        "benchmark: run with -Dstreamgate.bench=true");
    try (RedisServer redis = RedisServer.start()) {
      List<String> lines = new ArrayList<>();
      for (int round = 1; round <= 2; round++) { // the first round warms the JVM up
        for (List<String> indexes : List.of(List.<String>of(), List.of("userId", "status"))) {
          String table = indexes.isEmpty() ? "plain" : "indexed";
          try (Jedis jedis = new Jedis(java.net.URI.create(redis.uri()))) {
            jedis.flushAll();
          }
          double perSecond = run(redis.uri(), table, indexes);
          lines.add(String.format(Locale.ROOT, "round %d, %-7s indexes %-18s %,10.0f rows/s",
              round, table, indexes, perSecond));
          if (!indexes.isEmpty()) {
            try (Jedis jedis = new Jedis(java.net.URI.create(redis.uri()))) {
              Keyspace keys = new Keyspace("bench");
              // Every order ends shipped: the created and paid sets are gone, shipped has all.
              assertEquals(ORDERS, jedis.zcard(keys.valueIndex(table, "status", "shipped")));
              assertEquals(0, jedis.zcard(keys.valueIndex(table, "status", "created")));
              assertEquals(ORDERS / USERS, jedis.zcard(keys.valueIndex(table, "userId", "u-7")));
            }
          }
        }
      }
      lines.forEach(line -> System.out.println("IndexWriteBenchIT: " + line));
    } finally {
      RedisConnections.closeAll();
    }
  }

  private static double run(String uri, String table, List<String> indexes) {
    StructType schema = new StructType().add(ViewTransform.KEY, DataTypes.StringType)
        .add(ViewTransform.VALUE, DataTypes.StringType);
    RedisRowWriter writer = new RedisRowWriter(uri, "bench", table, 0,
        ServingRowReader.of(schema, indexes), false, Clock.systemUTC());
    long version = 0;
    long rows = 0;
    long start = System.nanoTime();
    for (String status : STATUS) {
      for (int from = 0; from < ORDERS; from += BATCH) {
        List<Row> batch = new ArrayList<>(BATCH);
        for (int i = from; i < from + BATCH; i++) {
          batch.add(RowFactory.create("o-" + i, "{\"userId\":\"u-" + (i % USERS)
              + "\",\"status\":\"" + status + "\",\"amount\":" + (i % 100) + ".5}"));
        }
        rows += writer.write(batch.iterator(), ++version).written();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(3L * ORDERS, rows);
    return rows / seconds;
  }
}
