package io.streamgate.gateway.rest.internal;

import io.streamgate.contract.Row;
import io.streamgate.contract.control.Freshness;
import java.util.List;

/**
 * What a read of a view's rows settled before reading, once the caller may read
 * ({@link ViewRequests#read}): the view version, its freshness (already in the response's
 * headers, {@code max_staleness} already checked) and the projection. Every read shape (point,
 * multi-get, page, top-N, filters) sends its rows through {@link #rows}. Immutable.
 */
record ViewRead(long version, Freshness freshness, Projection projection) {

  /** The rows as this read returns them ({@code ?fields=} applied). */
  List<Row> rows(List<Row> found) {
    return projection.apply(found);
  }
}
