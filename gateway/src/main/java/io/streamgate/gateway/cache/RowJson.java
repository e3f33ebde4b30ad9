package io.streamgate.gateway.cache;

import io.streamgate.contract.Change;
import io.streamgate.contract.Row;
import io.streamgate.contract.Tombstone;
import io.vertx.core.buffer.Buffer;

/**
 * What a point read found: a row with its contract JSON already encoded, as a point read sends
 * it, or a tombstone (the row was deleted; no JSON). The near cache keeps the encoding with the
 * row, so a hot row is encoded once, not once per read. The buffer is shared: only read it
 * (Vert.x writes a duplicate of it).
 *
 * @param json the row's JSON form, null for a tombstone
 */
public record RowJson(Change change, Buffer json) {

  public static RowJson of(Change change) {
    return new RowJson(change, change instanceof Row row ? Buffer.buffer(row.toJson()) : null);
  }

  /** The row, or null if this is a tombstone. */
  public Row row() {
    return change instanceof Row row ? row : null;
  }

  /** The tombstone, or null if this is a row. */
  public Tombstone tombstone() {
    return change instanceof Tombstone tombstone ? tombstone : null;
  }
}
