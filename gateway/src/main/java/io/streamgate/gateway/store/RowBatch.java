package io.streamgate.gateway.store;

import io.streamgate.contract.Row;
import java.util.List;

/**
 * The answer to a multi-key read: rows found and keys without a row, each in request order.
 * Immutable.
 */
public record RowBatch(List<Row> found, List<String> missing) {
  public RowBatch {
    found = List.copyOf(found);
    missing = List.copyOf(missing);
  }
}
