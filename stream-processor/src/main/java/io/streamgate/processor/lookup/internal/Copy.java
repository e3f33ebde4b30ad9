package io.streamgate.processor.lookup.internal;

import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * One complete copy of a lookup table, as read at {@code readAtMillis}: Spark's internal rows in
 * the table's schema, never changed once built (readers on any thread share it).
 */
public record Copy(List<InternalRow> rows, long readAtMillis) {

  public Copy {
    rows = List.copyOf(rows);
  }
}
