package io.streamgate.processor.sink;

import io.streamgate.contract.Keyspace;
import io.streamgate.contract.Row;
import io.streamgate.contract.Scripts;
import java.util.List;

/**
 * One serving row as the contract's two calls: {@link Scripts#WRITE_ROW} (versioned row and its
 * change message) and {@link Scripts#INDEX_ROW} (key index, rank and value indexes). The only
 * place the writers turn a row into script keys and arguments. Immutable.
 *
 * @param table where the row goes: the table of one version of the row's view ({@link
 *     io.streamgate.contract.Names#table})
 * @param rank the rank score, or null (no rank column, or no usable value)
 * @param indexes the view's index columns, empty for none
 */
public record RowWrite(String table, Row row, Double rank, List<String> indexes) {

  public RowWrite {
    indexes = List.copyOf(indexes);
  }

  /** A write of a view without indexes. */
  public RowWrite(String table, Row row, Double rank) {
    this(table, row, rank, List.of());
  }

  public List<String> writeKeys(Keyspace keyspace) {
    return Scripts.writeRowKeys(keyspace, table, row);
  }

  /** @param ttlMillis how long the row lives, 0 for ever */
  public List<String> writeArgs(Keyspace keyspace, long ttlMillis) {
    return Scripts.writeRowArgs(keyspace, table, row, ttlMillis);
  }

  public List<String> indexKeys(Keyspace keyspace) {
    return Scripts.indexRowKeys(keyspace, table);
  }

  public List<String> indexArgs(Keyspace keyspace) {
    return Scripts.indexRowArgs(keyspace, table, row, rank, indexes);
  }
}
