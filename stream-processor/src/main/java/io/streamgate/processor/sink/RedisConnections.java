package io.streamgate.processor.sink;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.apache.hadoop.util.ShutdownHookManager;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * One pooled Redis client per target per JVM (driver or executor), created on first use and
 * closed when the JVM shuts down, after Spark's own shutdown work. Thread-safe: Spark tasks of
 * all views share the clients.
 *
 * <p>A target is a Redis URL ({@code redis://[user:password@]host:port[/db]}, {@code rediss://}
 * for TLS), or {@value #CLUSTER_PREFIX} followed by comma-separated seed URLs of a Redis Cluster.
 * Both give a {@link UnifiedJedis}: a pool over one server, or a {@link JedisCluster} that routes
 * each command, and each command of a pipeline, to the primary owning its key's slot. The target
 * travels to executors as this string inside Spark closures.
 */
public final class RedisConnections {
  public static final String CLUSTER_PREFIX = "cluster:";
  /** Connections a JVM keeps per Redis node: one per concurrent task is plenty. */
  static final int MAX_CONNECTIONS = 16;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  /** MOVED/ASK redirects and retries of one cluster command (a failover takes a few). */
  static final int CLUSTER_ATTEMPTS = 5;
  /** Hadoop runs hooks by descending priority; all of Spark's run inside one at 40. */
  private static final int SHUTDOWN_PRIORITY = 5;

  private static final Map<String, UnifiedJedis> CLIENTS = new ConcurrentHashMap<>();
  private static volatile boolean hookInstalled;

  private RedisConnections() {}

  /** The target for a Redis Cluster reached through these seed URLs. */
  public static String clusterTarget(List<String> seedUrls) {
    return CLUSTER_PREFIX + String.join(",", seedUrls);
  }

  public static boolean isCluster(String target) {
    return target.startsWith(CLUSTER_PREFIX);
  }

  /** The URLs of a target: one for a server, the seeds for a cluster. */
  public static List<String> urls(String target) {
    String list = isCluster(target) ? target.substring(CLUSTER_PREFIX.length()) : target;
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** The shared client for {@code target}; callers must not close it. */
  public static UnifiedJedis client(String target) {
    UnifiedJedis client = CLIENTS.get(target);
    return client != null ? client : CLIENTS.computeIfAbsent(target, RedisConnections::create);
  }

  /**
   * Runs {@code action} with a connection to each node: the server itself, or every node the
   * cluster client knows (primaries and replicas), for per-node commands such as SCAN and
   * SCRIPT LOAD.
   */
  public static void forEachNode(String target, Consumer<Jedis> action) {
    UnifiedJedis client = client(target);
    if (client instanceof JedisCluster cluster) {
      for (ConnectionPool pool : cluster.getClusterNodes().values()) {
        try (Connection connection = pool.getResource()) {
          action.accept(new Jedis(connection));
        }
      }
    } else {
      try (Jedis jedis = new Jedis(URI.create(target), clientConfig(URI.create(target)))) {
        action.accept(jedis);
      }
    }
  }

  /** Closes every client; later calls to {@link #client} open new ones. */
  public static void closeAll() {
    for (String target : CLIENTS.keySet()) {
      UnifiedJedis client = CLIENTS.remove(target);
      if (client != null) {
        client.close();
      }
    }
  }

  private static UnifiedJedis create(String target) {
    installHook();
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(MAX_CONNECTIONS);
    pool.setMaxIdle(MAX_CONNECTIONS);
    pool.setMinIdle(0);
    pool.setJmxEnabled(false);
    if (isCluster(target)) {
      Set<HostAndPort> seeds = new LinkedHashSet<>();
      List<URI> uris = urls(target).stream().map(URI::create).toList();
      uris.forEach(uri -> seeds.add(JedisURIHelper.getHostAndPort(uri)));
      // Every node shares the first seed's credentials and TLS setting.
      return new JedisCluster(seeds, clientConfig(uris.get(0)), CLUSTER_ATTEMPTS, pool);
    }
    return new JedisPooled(pool, URI.create(target),
        (int) CONNECT_TIMEOUT.toMillis(), (int) READ_TIMEOUT.toMillis());
  }

  private static JedisClientConfig clientConfig(URI uri) {
    return DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis((int) CONNECT_TIMEOUT.toMillis())
        .socketTimeoutMillis((int) READ_TIMEOUT.toMillis())
        .user(JedisURIHelper.getUser(uri))
        .password(JedisURIHelper.getPassword(uri))
        .database(JedisURIHelper.getDBIndex(uri))
        .ssl(JedisURIHelper.isRedisSSLScheme(uri))
        .build();
  }

  private static synchronized void installHook() {
    if (!hookInstalled) {
      ShutdownHookManager.get().addShutdownHook(
          RedisConnections::closeAll, SHUTDOWN_PRIORITY, 10, TimeUnit.SECONDS);
      hookInstalled = true;
    }
  }
}
