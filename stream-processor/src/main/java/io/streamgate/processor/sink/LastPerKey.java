package io.streamgate.processor.sink;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Keeps, of the rows of one batch partition, only the last row of each key: the fallback for latest
 * views whose rows carry no event order (most are reduced across partitions first, {@code
 * ViewTransform.newestPerKey}, and then have one row per key here). A latest view's
 * partition is one Kafka partition's offset range, read in offset order, so "last" is the last
 * event by offset; every row of a batch gets the same version, and the store applies only the
 * first write of a version, so without this the oldest event of the batch would win. Holds one
 * row per distinct key in memory. Pure and stateless.
 */
public final class LastPerKey {
  private LastPerKey() {}

  /** The surviving rows, in order of each key's first appearance. */
  public static <T> Collection<T> collapse(Iterator<T> rows, Function<T, String> key) {
    Map<String, T> last = new LinkedHashMap<>();
    while (rows.hasNext()) {
      T row = rows.next();
      last.put(key.apply(row), row);
    }
    return last.values();
  }
}
