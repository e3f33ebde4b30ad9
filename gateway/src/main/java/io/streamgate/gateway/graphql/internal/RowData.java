package io.streamgate.gateway.graphql.internal;

import io.streamgate.contract.Row;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * A row as the schema's {@code NAME_row} type reads it: the contract's fields and the value's
 * columns, parsed once per row and answer. Immutable.
 */
record RowData(String key, long version, long updatedAt, Map<String, Object> value) {

  static RowData of(Row row) {
    return new RowData(row.key(), row.version(), row.updatedAt(),
        new JsonObject(row.valueJson()).getMap());
  }

  static List<RowData> of(List<Row> rows) {
    return rows.stream().map(RowData::of).toList();
  }

  /** A page of rows: {@code next} is the cursor of the following page, null on the last. */
  record Page(List<RowData> rows, String next) {}

  /** What a subscription event is ({@code ChangeType} in the schema). */
  enum ChangeType {
    /** The row as it was when the subscription started (or the view switched versions). */
    SNAPSHOT,
    /** The row changed. */
    UPDATE,
    /** The row was deleted; {@code row} is null, {@code deletedAt} says when. */
    DELETE,
    /** The snapshot is complete: every event after this one is a change. */
    LIVE,
    /** The view is served by another version now; a new snapshot and LIVE follow. */
    SWITCH,
    /** A row not held by the client matches the filter now (written, or changed to match). */
    ENTER,
    /** A row held by the client matches the filter no longer; {@code row} is it now. */
    LEAVE,
    /** A whole-view subscription may have missed changes (the change feed was lost). */
    RESYNC
  }

  /**
   * One subscription event ({@code NAME_event}).
   *
   * @param key         the row's key; null for LIVE, SWITCH and RESYNC
   * @param version     the row's version (of the delete, for DELETE); null for LIVE, SWITCH
   *                    and RESYNC
   * @param viewVersion the view version the event belongs to
   * @param row         the row for SNAPSHOT, UPDATE, ENTER and LEAVE (null for a LEAVE whose
   *                    delete the gateway did not see), else null
   * @param deletedAt   epoch milliseconds of the delete, for DELETE
   */
  record Event(ChangeType type, String key, Long version, long viewVersion, RowData row,
      Long deletedAt) {
    static Event control(ChangeType type, long viewVersion) {
      return new Event(type, null, null, viewVersion, null, null);
    }

    /** This event told as another type. */
    Event as(ChangeType other) {
      return new Event(other, key, version, viewVersion, row, deletedAt);
    }
  }
}
