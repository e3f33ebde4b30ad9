package io.streamgate.processor.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.contract.Keyspace;
import io.streamgate.harness.RedisServer;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Closed windows get their TTL; open ones keep none; a restart finds the open ones again. */
class WindowExpiryIT {
  private static final Keyspace KEYS = new Keyspace("wx");
  private static RedisServer redis;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void expiresClosedWindowsAndRecoversOpenOnes() {
    long t1 = Instant.parse("2026-11-25T10:01:00Z").toEpochMilli();
    long t2 = Instant.parse("2026-11-25T10:02:00Z").toEpochMilli();
    try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
      row(jedis, "a@10:00", "2026-11-25T10:01:00.000Z");
      row(jedis, "b@10:01", "2026-11-25T10:02:00.000Z");
      jedis.hset(KEYS.row("w", "broken"), "value", "{\"n\":1}");

      WindowExpiry expiry = new WindowExpiry(redis.uri(), KEYS, "w", "window", 60_000);
      expiry.add("a@10:00", t1);
      expiry.add("b@10:01", t2);
      assertEquals(0, expiry.expireClosed(t1 - 1));
      assertEquals(1, expiry.expireClosed(t1));
      long ttl = jedis.pttl(KEYS.row("w", "a@10:00"));
      assertTrue(ttl > 0 && ttl <= 60_000, "ttl " + ttl);
      assertEquals(-1, jedis.pttl(KEYS.row("w", "b@10:01")));
      assertEquals(1, expiry.pending());

      // A restarted processor knows nothing: it finds the row still without a TTL.
      WindowExpiry restarted = new WindowExpiry(redis.uri(), KEYS, "w", "window", 60_000);
      assertEquals(1, restarted.recover(), "b@10:01 only: a has a TTL, broken has no window");
      assertEquals(0, restarted.expireClosed(t2 - 1));
      assertEquals(1, restarted.expireClosed(t2 + 5_000));
      assertTrue(jedis.pttl(KEYS.row("w", "b@10:01")) > 0);
      assertEquals(-1, jedis.pttl(KEYS.row("w", "broken")));
    }
  }

  private static void row(Jedis jedis, String key, String end) {
    jedis.hset(KEYS.row("w", key), java.util.Map.of("version", "1", "updatedAt", "0",
        "value", "{\"window\":{\"start\":\"x\",\"end\":\"" + end + "\"},\"n\":2}"));
  }
}
