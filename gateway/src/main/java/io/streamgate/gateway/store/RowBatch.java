package io.streamgate.gateway.store;

import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import java.util.List;

/**
 * The answer to a multi-key read, each list in request order: rows found, keys without a row
 * ({@code missing}), and of those the ones whose delete is still remembered ({@code deleted}:
 * their tombstones; every one of their keys is also in {@code missing}). Immutable.
 */
public record RowBatch(List<Row> found, List<String> missing, List<Tombstone> deleted) {
  public RowBatch {
    found = List.copyOf(found);
    missing = List.copyOf(missing);
    deleted = List.copyOf(deleted);
  }

  /** A batch without tombstones. */
  public RowBatch(List<Row> found, List<String> missing) {
    this(found, missing, List.of());
  }
}
