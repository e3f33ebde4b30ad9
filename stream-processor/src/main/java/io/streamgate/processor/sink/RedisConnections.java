package io.streamgate.processor.sink;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

/**
 * One Jedis connection pool per Redis URI per JVM (driver or executor), created on first use and
 * closed when the JVM shuts down, after Spark's own shutdown work. Thread-safe: Spark tasks of
 * all views share the pools.
 */
public final class RedisConnections {
  /** Connections a JVM keeps per Redis: one per concurrent task is plenty. */
  static final int MAX_CONNECTIONS = 16;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  /** Hadoop runs hooks by descending priority; all of Spark's run inside one at 40. */
  private static final int SHUTDOWN_PRIORITY = 5;

  private static final Map<String, JedisPool> POOLS = new ConcurrentHashMap<>();
  private static volatile boolean hookInstalled;

  private RedisConnections() {}

  public static JedisPool pool(String redisUri) {
    JedisPool pool = POOLS.get(redisUri);
    return pool != null ? pool : POOLS.computeIfAbsent(redisUri, RedisConnections::create);
  }

  /** Closes every pool; later calls to {@link #pool} open new ones. */
  public static void closeAll() {
    for (String uri : POOLS.keySet()) {
      JedisPool pool = POOLS.remove(uri);
      if (pool != null) {
        pool.close();
      }
    }
  }

  private static JedisPool create(String redisUri) {
    installHook();
    JedisPoolConfig config = new JedisPoolConfig();
    config.setMaxTotal(MAX_CONNECTIONS);
    config.setMaxIdle(MAX_CONNECTIONS);
    config.setMinIdle(0);
    config.setJmxEnabled(false);
    return new JedisPool(config, URI.create(redisUri),
        (int) CONNECT_TIMEOUT.toMillis(), (int) READ_TIMEOUT.toMillis());
  }

  private static synchronized void installHook() {
    if (!hookInstalled) {
      ShutdownHookManager.get().addShutdownHook(
          RedisConnections::closeAll, SHUTDOWN_PRIORITY, 10, TimeUnit.SECONDS);
      hookInstalled = true;
    }
  }

  /** For tests and the driver's startup check: a connection that must be closed. */
  public static Jedis connection(String redisUri) {
    return pool(redisUri).getResource();
  }
}
