package io.streamgate.gateway.cache;

import io.streamgate.contract.Row;
import io.vertx.core.buffer.Buffer;

/**
 * A row with its contract JSON already encoded, as a point read sends it. The near cache keeps
 * the encoding with the row, so a hot row is encoded once, not once per read. The buffer is
 * shared: only read it (Vert.x writes a duplicate of it).
 */
public record RowJson(Row row, Buffer json) {

  public static RowJson of(Row row) {
    return new RowJson(row, Buffer.buffer(row.toJson()));
  }
}
