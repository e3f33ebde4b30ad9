package io.streamgate.processor.sink;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Names;
import io.streamgate.contract.Script;
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
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Writes one partition of a view's serving rows to Redis through the contract scripts: per row a
 * versioned {@code WRITE_ROW} (with its change message) and an {@code INDEX_ROW} ({@link
 * RowWrite}), or for a row marked deleted a {@code DELETE_ROW} and an {@code UNINDEX_ROW} ({@link
 * RowDelete}), pipelined in chunks over a pooled connection. Rows carry the batch's version, or
 * their own (views over a changelog: from the change's LSN). Columns are read by name ({@link
 * ServingRowReader}). Every write of a batch carries the same version, so a replayed batch is
 * ignored row by row; that also makes retrying a chunk after a lost connection safe. Runs on
 * executor task threads; immutable and serializable, so it travels inside the task closure.
 */
public final class RedisRowWriter implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RedisRowWriter.class);

  /** Rows per pipeline round trip: large enough to amortise it, small enough to bound memory. */
  static final int CHUNK_ROWS = 500;

  private final String redisUri;
  private final String namespace;
  /** Where rows go: the table of one version of a view ({@link Names#table}). */
  private final String table;
  private final long ttlMillis;
  private final ServingRowReader reader;
  private final boolean lastPerKey;
  private final Clock clock;
  private final long tombstoneRetentionMillis;

  /**
   * @param reader     the serving columns of the rows this writer gets; for a windowed view each
   *     row's window end is reported to {@link #write(Iterator, long, BiConsumer)}'s callback
   * @param lastPerKey keep only the last row of each key of a partition (rows not reduced to one
   *     per key before; other kinds have one row per key per batch already)
   */
  public RedisRowWriter(String redisUri, String namespace, String table, long ttlMillis,
      ServingRowReader reader, boolean lastPerKey, Clock clock) {
    this(redisUri, namespace, table, ttlMillis, reader, lastPerKey, clock,
        io.streamgate.processor.pipeline.ViewSpec.DEFAULT_TOMBSTONE_RETENTION.toMillis());
  }

  /**
   * @param tombstoneRetentionMillis how long the tombstone of a deleted row is kept ({@link
   *     ServingRowReader#deleted} rows of views over a changelog), > 0
   */
  public RedisRowWriter(String redisUri, String namespace, String table, long ttlMillis,
      ServingRowReader reader, boolean lastPerKey, Clock clock, long tombstoneRetentionMillis) {
    if (tombstoneRetentionMillis <= 0) {
      throw new IllegalArgumentException(
          "tombstone retention must be > 0 ms, but was " + tombstoneRetentionMillis);
    }
    this.tombstoneRetentionMillis = tombstoneRetentionMillis;
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

  private WriteCounts writeChunk(List<Row> rows, long batchVersion) {
    long now = clock.millis();
    Keyspace keyspace = new Keyspace(namespace);
    List<Call> calls = new ArrayList<>(rows.size() * 2);
    for (Row row : rows) {
      long version = reader.version(row, batchVersion);
      if (reader.deleted(row)) {
        RowDelete d = reader.delete(table, row, version, now, tombstoneRetentionMillis);
        calls.add(new Call(Scripts.DELETE_ROW, d.deleteKeys(keyspace), d.deleteArgs(keyspace),
            true));
        calls.add(new Call(Scripts.UNINDEX_ROW, d.indexKeys(keyspace), d.unindexArgs(keyspace),
            false));
      } else {
        RowWrite w = reader.write(table, row, version, now);
        calls.add(new Call(Scripts.WRITE_ROW, w.writeKeys(keyspace),
            w.writeArgs(keyspace, ttlMillis), true));
        calls.add(new Call(Scripts.INDEX_ROW, w.indexKeys(keyspace), w.indexArgs(keyspace), false));
      }
    }
    // NOSCRIPT is handled call by call in send.
    return ScriptCalls.withRetries(redisUri, table, List.of(),
        () -> send(RedisConnections.client(redisUri), calls, true));
  }

  /**
   * One script call of a row: its write or delete ({@code counted}: applied or not newer) or its
   * index update.
   */
  private record Call(Script script, List<String> keys, List<String> args, boolean counted) {}

  /**
   * One pipelined round trip of {@code calls}. Calls that met NOSCRIPT did not run; they are sent
   * again once after SCRIPT LOAD.
   */
  private WriteCounts send(UnifiedJedis client, List<Call> calls, boolean mayLoad) {
    List<Response<Object>> responses = new ArrayList<>(calls.size());
    try (AbstractPipeline p = client.pipelined()) {
      for (Call c : calls) {
        responses.add(p.evalsha(c.script().sha1(), c.keys(), c.args()));
      }
      p.sync();
    }
    long written = 0;
    long notNewer = 0;
    List<Call> retry = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      try {
        Object result = responses.get(i).get();
        if (calls.get(i).counted()) {
          if (Long.valueOf(1).equals(result)) {
            written++;
          } else {
            notNewer++;
          }
        }
      } catch (JedisNoScriptException e) {
        retry.add(calls.get(i));
      }
    }
    WriteCounts counts = new WriteCounts(0, written, notNewer, 0, 0);
    if (retry.isEmpty()) {
      return counts;
    }
    if (!mayLoad) {
      throw new IllegalStateException("Redis reports the contract scripts missing right after"
          + " SCRIPT LOAD; is it a replica, or a proxy that does not keep scripts?");
    }
    for (Script script : List.of(Scripts.WRITE_ROW, Scripts.INDEX_ROW, Scripts.DELETE_ROW,
        Scripts.UNINDEX_ROW)) {
      ScriptCalls.load(redisUri, script);
    }
    return counts.plus(send(client, retry, false));
  }
}
