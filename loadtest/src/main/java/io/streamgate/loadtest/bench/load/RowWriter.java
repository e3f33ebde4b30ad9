package io.streamgate.loadtest.bench.load;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.contract.Scripts;
import io.streamgate.contract.ViewKind;
import java.net.URI;
import java.util.List;
import redis.clients.jedis.JedisPooled;

/**
 * Writes rows the way the processor does, through the contract's scripts: each write is
 * versioned and publishes its change message in the same atomic step. Blocking (Jedis): call it
 * from worker threads, never an event loop. Thread-safe (a connection pool).
 */
public final class RowWriter implements AutoCloseable {
  private final JedisPooled jedis;
  private final Keyspace keyspace;
  private final String writeSha;
  private final String indexSha;

  public RowWriter(String redisUrl, String namespace) {
    this.jedis = new JedisPooled(URI.create(redisUrl));
    this.keyspace = new Keyspace(namespace);
    this.writeSha = jedis.scriptLoad(Scripts.WRITE_ROW.source());
    this.indexSha = jedis.scriptLoad(Scripts.INDEX_ROW.source());
  }

  /** Registers {@code view} in the catalog unless it is there already. */
  public boolean ensureView(String view, String description) {
    if (jedis.hexists(keyspace.catalog(), view)) {
      return false;
    }
    CatalogEntry entry = new CatalogEntry(view, description, "id", ViewKind.LATEST,
        List.of(new CatalogEntry.Column("n", "bigint")), null, 0, System.currentTimeMillis());
    jedis.eval(Scripts.REGISTER_VIEW.source(), Scripts.registerViewKeys(keyspace),
        Scripts.registerViewArgs(keyspace, entry));
    return true;
  }

  /** Writes and indexes one row; returns whether the version was new (the write applied). */
  public boolean write(Row row) {
    Object applied = jedis.evalsha(writeSha, Scripts.writeRowKeys(keyspace, row),
        Scripts.writeRowArgs(keyspace, row, 0));
    jedis.evalsha(indexSha, Scripts.indexRowKeys(keyspace, row.view()), Scripts.indexRowArgs(row, null));
    return applied instanceof Long n ? n != 0 : applied != null;
  }

  @Override
  public void close() {
    jedis.close();
  }
}
