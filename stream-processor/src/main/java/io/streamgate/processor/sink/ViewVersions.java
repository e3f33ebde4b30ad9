package io.streamgate.processor.sink;

import io.streamgate.contract.Keyspace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis side of a view's version lineage, on the driver. A view's versions only mean
 * something together with the checkpoint that produced them (batch ids, real-time epochs), so
 * Redis keeps, next to the view's index keys, the id of the checkpoint its rows were written from
 * ({@link #checkpointIdKey}); and {@link #reset} clears everything that holds a version of the
 * view. Stateless.
 */
public final class ViewVersions {
  static final int SCAN_COUNT = 1000;
  static final int DELETE_CHUNK = 1000;

  private ViewVersions() {}

  /**
   * {@code {<prefix>:<view>}:checkpoint}, a string: the id of the checkpoint the view's rows come
   * from. It shares the hash tag of the view's index keys, so one DEL clears them together on a
   * cluster. Not in the contract's {@link Keyspace} (yet): only the processor reads it.
   */
  public static String checkpointIdKey(Keyspace keyspace, String view) {
    String keys = keyspace.keysIndex(view); // {<prefix>:<view>}:keys
    return keys.substring(0, keys.length() - ":keys".length()) + ":checkpoint";
  }

  /** The id of the checkpoint the view's rows in Redis come from, or null if none is recorded. */
  public static String checkpointId(String redisUri, Keyspace keyspace, String view) {
    try {
      return RedisConnections.client(redisUri).get(checkpointIdKey(keyspace, view));
    } catch (JedisException e) {
      throw new RedisUnavailableException(redisUri, e);
    }
  }

  /**
   * Records {@code id} as the view's checkpoint unless one is recorded already.
   *
   * @return the id recorded now: {@code id}, or the one another processor recorded first
   */
  public static String claim(String redisUri, Keyspace keyspace, String view, String id) {
    try {
      UnifiedJedis client = RedisConnections.client(redisUri);
      String key = checkpointIdKey(keyspace, view);
      if ("OK".equals(client.set(key, id, new SetParams().nx()))) {
        return id;
      }
      return client.get(key);
    } catch (JedisException e) {
      throw new RedisUnavailableException(redisUri, e);
    }
  }

  /**
   * Deletes the view's rows (found by SCAN on every node, so rows whose index entry was never
   * written go too), its key index, rank set, value indexes (also found by SCAN), indexed values,
   * index versions and deleted keys, and its recorded checkpoint id. The catalog entry stays.
   * Writes of the view must not run meanwhile.
   *
   * @return how many rows were deleted
   */
  public static long reset(String redisUri, Keyspace keyspace, String view) {
    try {
      Set<String> rows = scan(redisUri, keyspace.rowPrefix(view));
      Set<String> valueIndexes = scan(redisUri, keyspace.valueIndexPrefix(view));
      UnifiedJedis client = RedisConnections.client(redisUri);
      List<String> chunk = new ArrayList<>(DELETE_CHUNK);
      for (Set<String> keys : List.of(rows, valueIndexes)) {
        for (String key : keys) {
          chunk.add(key);
          if (chunk.size() == DELETE_CHUNK) {
            delete(client, chunk);
            chunk.clear();
          }
        }
      }
      delete(client, chunk);
      client.del(keyspace.keysIndex(view), keyspace.rankIndex(view), keyspace.indexVersions(view),
          keyspace.deletedIndex(view), keyspace.indexedValues(view),
          checkpointIdKey(keyspace, view));
      return rows.size();
    } catch (JedisException e) {
      throw new RedisUnavailableException(redisUri, e);
    }
  }

  /** Every key starting with {@code prefix}, from every node (SCAN, so without blocking Redis). */
  private static Set<String> scan(String redisUri, String prefix) {
    // View names and the namespace hold no glob characters (Names, Keyspace); '{' is no glob.
    ScanParams params = new ScanParams().match(prefix + "*").count(SCAN_COUNT);
    Set<String> keys = new HashSet<>(); // a cluster replica lists its primary's keys again
    RedisConnections.forEachNode(redisUri, node -> {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = node.scan(cursor, params);
        keys.addAll(page.getResult());
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    });
    return keys;
  }

  /** One DEL per key (rows lie in different cluster slots), pipelined. */
  private static void delete(UnifiedJedis client, List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    try (AbstractPipeline p = client.pipelined()) {
      keys.forEach(p::del);
      p.sync();
    }
  }
}
