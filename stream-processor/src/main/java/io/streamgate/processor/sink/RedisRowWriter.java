package io.streamgate.processor.sink;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Names;
import io.streamgate.contract.Scripts;
import java.io.Serializable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Writes one partition of a view's serving rows to Redis through the contract scripts: per row a
 * versioned {@code WRITE_ROW} (with its change message) and an {@code INDEX_ROW} ({@link
 * RowWrite}), pipelined in chunks over a pooled connection. Columns are read by name ({@link
 * ServingRowReader}). Every write of a batch carries the same version, so a replayed batch is
 * ignored row by row; that also makes retrying a chunk after a lost connection safe. Runs on
 * executor task threads; immutable and serializable, so it travels inside the task closure.
 */
public final class RedisRowWriter implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RedisRowWriter.class);

  /** Rows per pipeline round trip: large enough to amortise it, small enough to bound memory. */
  static final int CHUNK_ROWS = 500;
  static final int ATTEMPTS = 3;
  static final long RETRY_BACKOFF_MS = 200;

  private final String redisUri;
  private final String namespace;
  /** Where rows go: the table of one version of a view ({@link Names#table}). */
  private final String table;
  private final long ttlMillis;
  private final ServingRowReader reader;
  private final boolean lastPerKey;
  private final Clock clock;

  /**
   * @param reader     the serving columns of the rows this writer gets; for a windowed view each
   *     row's window end is reported to {@link #write(Iterator, long, BiConsumer)}'s callback
   * @param lastPerKey keep only the last row of each key of a partition (rows not reduced to one
   *     per key before; other kinds have one row per key per batch already)
   */
  public RedisRowWriter(String redisUri, String namespace, String table, long ttlMillis,
      ServingRowReader reader, boolean lastPerKey, Clock clock) {
    this.redisUri = redisUri;
    this.namespace = namespace;
    this.table = Names.requireTableName(table);
    this.ttlMillis = ttlMillis;
    this.reader = reader;
    this.lastPerKey = lastPerKey;
    this.clock = clock;
    new Keyspace(namespace); // fail on the driver, not in every task
  }

  /** Writes the rows of one partition with this version; call once per partition per batch. */
  public WriteCounts write(Iterator<Row> rows, long version) {
    return write(rows, version, (key, end) -> { });
  }

  /**
   * As {@link #write(Iterator, long)}; for a windowed view also tells {@code windowEnds} the key
   * and window end (epoch ms) of every row sent, so its TTL can be set once the window closes.
   */
  public WriteCounts write(Iterator<Row> rows, long version, BiConsumer<String, Long> windowEnds) {
    long total = 0;
    long skipped = 0;
    List<Row> valid = new ArrayList<>();
    while (rows.hasNext()) {
      Row row = rows.next();
      total++;
      String problem = reader.problem(row);
      if (problem != null) {
        if (skipped++ == 0) {
          LOG.warn("view {}: skipping a row that cannot be served ({}); first of this partition",
              table, problem);
        }
        continue;
      }
      valid.add(row);
    }
    Collection<Row> toWrite = lastPerKey ? LastPerKey.collapse(valid.iterator(), reader::key)
        : valid;
    if (reader.windowed()) {
      for (Row row : toWrite) {
        Long end = reader.windowEnd(row);
        if (end != null) {
          windowEnds.accept(reader.key(row), end);
        }
      }
    }
    WriteCounts counts = new WriteCounts(total, 0, 0, valid.size() - toWrite.size(), skipped);
    List<Row> chunk = new ArrayList<>(Math.min(CHUNK_ROWS, toWrite.size()));
    for (Row row : toWrite) {
      chunk.add(row);
      if (chunk.size() == CHUNK_ROWS) {
        counts = counts.plus(writeChunk(chunk, version));
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      counts = counts.plus(writeChunk(chunk, version));
    }
    return counts;
  }

  private WriteCounts writeChunk(List<Row> rows, long version) {
    long now = clock.millis();
    List<RowWrite> writes = new ArrayList<>(rows.size());
    for (Row row : rows) {
      writes.add(reader.write(table, row, version, now));
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return send(RedisConnections.client(redisUri), writes, writes, true);
      } catch (JedisConnectionException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
        LOG.warn("view {}: Redis write failed ({}), retrying {} more time(s)",
            table, e.getMessage(), ATTEMPTS - attempt);
        sleep(RETRY_BACKOFF_MS * attempt);
      }
    }
  }

  /**
   * One pipelined round trip: WRITE_ROW for {@code rowWrites}, INDEX_ROW for {@code indexWrites}.
   * Commands that met NOSCRIPT did not run; they are sent again once after SCRIPT LOAD.
   */
  private WriteCounts send(UnifiedJedis client, List<RowWrite> rowWrites,
      List<RowWrite> indexWrites, boolean mayLoad) {
    Keyspace keyspace = new Keyspace(namespace);
    List<Response<Object>> writes = new ArrayList<>(rowWrites.size());
    List<Response<Object>> indexes = new ArrayList<>(indexWrites.size());
    try (AbstractPipeline p = client.pipelined()) {
      for (RowWrite w : rowWrites) {
        writes.add(p.evalsha(Scripts.WRITE_ROW.sha1(), w.writeKeys(keyspace),
            w.writeArgs(keyspace, ttlMillis)));
      }
      for (RowWrite w : indexWrites) {
        indexes.add(p.evalsha(Scripts.INDEX_ROW.sha1(), w.indexKeys(keyspace), w.indexArgs()));
      }
      p.sync();
    }
    long written = 0;
    long notNewer = 0;
    List<RowWrite> retryWrites = new ArrayList<>();
    List<RowWrite> retryIndexes = new ArrayList<>();
    for (int i = 0; i < rowWrites.size(); i++) {
      try {
        if (Long.valueOf(1).equals(writes.get(i).get())) {
          written++;
        } else {
          notNewer++;
        }
      } catch (JedisNoScriptException e) {
        retryWrites.add(rowWrites.get(i));
      }
    }
    for (int i = 0; i < indexWrites.size(); i++) {
      try {
        indexes.get(i).get();
      } catch (JedisNoScriptException e) {
        retryIndexes.add(indexWrites.get(i));
      }
    }
    WriteCounts counts = new WriteCounts(0, written, notNewer, 0, 0);
    if (retryWrites.isEmpty() && retryIndexes.isEmpty()) {
      return counts;
    }
    if (!mayLoad) {
      throw new IllegalStateException("Redis reports the contract scripts missing right after"
          + " SCRIPT LOAD; is it a replica, or a proxy that does not keep scripts?");
    }
    ScriptCalls.load(redisUri, Scripts.WRITE_ROW);
    ScriptCalls.load(redisUri, Scripts.INDEX_ROW);
    return counts.plus(send(client, retryWrites, retryIndexes, false));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a Redis write", e);
    }
  }
}
