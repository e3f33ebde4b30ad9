package io.streamgate.gateway.store;

import io.streamgate.contract.Row;
import java.util.List;

/**
 * One page of a filtered read ({@link ViewStore#filter}): the matching rows in key order, and the
 * key to continue after, or null when nothing further matches. A page may hold fewer rows than
 * asked for while {@code next} is not null (the walk of the index reached its budget, or rows the
 * index pointed to no longer matched); only a null {@code next} ends the read. Immutable.
 */
public record FilterPage(List<Row> rows, String next) {
  public FilterPage {
    rows = List.copyOf(rows);
  }
}
