package io.streamgate.processor.sink;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Scripts;
import io.streamgate.contract.Tombstone;
import java.util.List;

/**
 * One deleted serving row as the contract's two calls: {@link Scripts#DELETE_ROW} (versioned
 * tombstone and its change message) and {@link Scripts#UNINDEX_ROW} (out of the key index, rank
 * and value indexes). The delete counterpart of {@link RowWrite}. Immutable.
 *
 * @param table where the row was: the table of one version of the view ({@link
 *     io.streamgate.contract.Names#table})
 * @param retentionMillis how long the tombstone is kept, > 0
 */
public record RowDelete(String table, Tombstone tombstone, long retentionMillis) {

  public List<String> deleteKeys(Keyspace keyspace) {
    return Scripts.deleteRowKeys(keyspace, table, tombstone);
  }

  public List<String> deleteArgs(Keyspace keyspace) {
    return Scripts.deleteRowArgs(keyspace, table, tombstone, retentionMillis);
  }

  public List<String> indexKeys(Keyspace keyspace) {
    return Scripts.indexRowKeys(keyspace, table);
  }

  public List<String> unindexArgs(Keyspace keyspace) {
    return Scripts.unindexRowArgs(keyspace, table, tombstone, retentionMillis);
  }
}
