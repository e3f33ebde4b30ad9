package io.streamgate.cli.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.cli.Main;
import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.harness.RedisServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

class SeedCommandIT {

  @Test
  void seedsAViewTheGatewayCanDiscoverAndServe() {
    try (RedisServer redis = RedisServer.start()) {
      StringWriter out = new StringWriter();
      CommandLine cli = Main.commandLine();
      cli.setOut(new PrintWriter(out));
      int exit = cli.execute("seed", "--redis", redis.uri(), "--view", "bench_rows", "--rows", "2500",
          "--row-version", "3");
      assertEquals(0, exit, out.toString());

      Keyspace keyspace = Keyspace.defaults();
      try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
        CatalogEntry entry = CatalogEntry.fromJson(jedis.hget(keyspace.catalog(), "bench_rows"));
        assertEquals("n", entry.rankColumn());
        Map<String, String> row = jedis.hgetAll(keyspace.row("bench_rows", "k7"));
        assertEquals("3", row.get(Row.FIELD_VERSION));
        assertEquals("{\"n\":7,\"label\":\"row 7\"}", row.get(Row.FIELD_VALUE));
        assertEquals(2500, jedis.zcard(keyspace.keysIndex("bench_rows")));
        assertEquals(List.of("k2499", "k2498"), jedis.zrevrange(keyspace.rankIndex("bench_rows"), 0, 1));
      }
    }
  }

  @Test
  void refusesABadViewName() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("seed", "--view", "Bad-Name"));
    assertEquals(true, err.toString().contains("must match"), err.toString());
  }
}
