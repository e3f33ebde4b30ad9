package io.streamgate.gateway.push.internal;

import io.streamgate.contract.Row;
import io.streamgate.gateway.store.ViewStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The snapshot of a filtered subscription: every matching row, page after page of
 * {@link ViewStore#filter}, or a failure once more than {@code max} match (nothing unbounded is
 * held for a client). Stateless.
 */
final class FilterReads {
  /** Rows asked for per page: few round trips for typical sets, bounded memory per read. */
  static final int PAGE = 200;

  /** More rows match than a subscription may track. */
  static final class TooManyRows extends RuntimeException {
    TooManyRows(String message) {
      super(message, null, false, false);
    }
  }

  private FilterReads() {}

  static Future<List<Row>> all(ViewStore store, String view, long version,
      Map<String, String> where, String keyPrefix, int max) {
    return next(store, view, version, where, keyPrefix, max, null, new ArrayList<>());
  }

  private static Future<List<Row>> next(ViewStore store, String view, long version,
      Map<String, String> where, String keyPrefix, int max, String after, List<Row> rows) {
    return store.filter(view, version, where, after, keyPrefix, Math.min(PAGE, max + 1))
        .compose(page -> {
          rows.addAll(page.rows());
          if (rows.size() > max) {
            return Future.failedFuture(new TooManyRows("the filter " + where + " matches more"
                + " than " + max + " rows of view '" + view + "', more than one subscription"
                + " tracks (push.maxKeysPerSubscription); narrow it (conditions on several"
                + " indexed columns intersect) or read it page by page over REST"));
          }
          return page.next() == null ? Future.succeededFuture(rows)
              : next(store, view, version, where, keyPrefix, max, page.next(), rows);
        });
  }
}
