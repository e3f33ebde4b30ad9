package io.streamgate.processor.sink;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Expires the rows of a windowed view once their window can no longer change. Rows are written
 * without a TTL; each row's window end is remembered here, and when the query's watermark passes
 * it (Spark has then dropped the window's state, so no later write can come) the row gets its
 * TTL: it lives {@code ttl} more, then Redis removes it. After a restart, {@link #recover} finds
 * rows still without a TTL and reads their window end from the value. Runs on the driver; the
 * pending set is thread-safe (batches add on the query thread, the listener expires).
 */
public final class WindowExpiry {
  private static final Logger LOG = LoggerFactory.getLogger(WindowExpiry.class);
  static final int SCAN_COUNT = 1000;

  private final String redisUri;
  private final Keyspace keyspace;
  private final String view;
  private final String windowColumn;
  private final long ttlMillis;
  private final NavigableMap<Long, Set<String>> pending = new ConcurrentSkipListMap<>();

  /**
   * @param windowColumn the value's window column (its {@code end} field is read on recovery)
   * @param ttlMillis    how long a row lives after its window closed; at least 1
   */
  public WindowExpiry(String redisUri, Keyspace keyspace, String view, String windowColumn,
      long ttlMillis) {
    this.redisUri = redisUri;
    this.keyspace = keyspace;
    this.view = view;
    this.windowColumn = windowColumn;
    this.ttlMillis = Math.max(1, ttlMillis);
  }

  public String view() {
    return view;
  }

  /** Remembers that the row {@code key} belongs to a window ending at {@code windowEndMillis}. */
  public void add(String key, long windowEndMillis) {
    pending.computeIfAbsent(windowEndMillis, e -> ConcurrentHashMap.newKeySet()).add(key);
  }

  /** Rows waiting for their window to close. */
  public int pending() {
    return pending.values().stream().mapToInt(Set::size).sum();
  }

  /**
   * Sets the TTL of every row whose window ended at or before the watermark.
   *
   * @return how many rows got their TTL
   */
  public int expireClosed(long watermarkMillis) {
    NavigableMap<Long, Set<String>> closed = pending.headMap(watermarkMillis, true);
    if (closed.isEmpty()) {
      return 0;
    }
    List<Long> ends = new ArrayList<>(closed.keySet());
    int n = 0;
    try (AbstractPipeline p = RedisConnections.client(redisUri).pipelined()) {
      for (Long end : ends) {
        for (String key : closed.get(end)) {
          p.pexpire(keyspace.row(view, key), ttlMillis);
          n++;
        }
      }
      p.sync();
    }
    ends.forEach(pending::remove);
    return n;
  }

  /**
   * Finds rows of the view without a TTL (their window was open when the processor stopped) and
   * remembers their window end.
   *
   * @return how many rows it found
   */
  public int recover() {
    int found = 0;
    ScanParams params = new ScanParams().match(keyspace.rowPrefix(view) + "*").count(SCAN_COUNT);
    // SCAN runs per node (a cluster spreads a view's rows over every node); a row seen on a
    // primary and its replica is simply remembered twice.
    Set<String> rows = new java.util.HashSet<>();
    try {
      RedisConnections.forEachNode(redisUri, node -> {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<String> page = node.scan(cursor, params);
          rows.addAll(page.getResult());
          cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      });
      UnifiedJedis client = RedisConnections.client(redisUri);
      for (String rowKey : rows) {
        if (client.pttl(rowKey) != -1) {
          continue; // expiring already, or gone
        }
        Long end = windowEnd(client.hget(rowKey, "value"));
        if (end != null) {
          add(rowKey.substring(keyspace.rowPrefix(view).length()), end);
          found++;
        }
      }
    } catch (JedisException e) {
      throw new RedisUnavailableException(redisUri, e);
    }
    return found;
  }

  private Long windowEnd(String valueJson) {
    if (valueJson == null) {
      return null;
    }
    try {
      Object window = Json.parseObject(valueJson).get(windowColumn);
      if (window instanceof Map<?, ?> w && w.get("end") instanceof String end) {
        return OffsetDateTime.parse(end).toInstant().toEpochMilli();
      }
    } catch (JsonException | DateTimeParseException e) {
      LOG.warn("view {}: cannot read the window end of a row ({}); it will not expire", view,
          e.getMessage());
    }
    return null;
  }
}
