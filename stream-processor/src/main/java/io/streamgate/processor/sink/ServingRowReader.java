package io.streamgate.processor.sink;

import io.streamgate.contract.Names;
import io.streamgate.processor.view.ViewTransform;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a view's serving rows by the column names {@link ViewTransform} gives them ({@link
 * ViewTransform#KEY}, {@link ViewTransform#VALUE}, and where the view has them {@link
 * ViewTransform#RANK}, {@link ViewTransform#WINDOW_END}, {@link ViewTransform#VERSION} and {@link
 * ViewTransform#DELETED}); any other column is ignored. The positions are resolved once, from the
 * serving schema, when the reader is made (on the driver), so the writers never depend on column
 * order. It also carries the view's declared index columns, which every write indexes. Immutable,
 * serializable, thread-safe.
 */
public final class ServingRowReader implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int key;
  private final int value;
  private final int rank;
  private final int windowEnd;
  private final int version;
  private final int deleted;
  private final List<String> indexes;

  private ServingRowReader(int key, int value, int rank, int windowEnd, int version, int deleted,
      List<String> indexes) {
    this.key = key;
    this.value = value;
    this.rank = rank;
    this.windowEnd = windowEnd;
    this.version = version;
    this.deleted = deleted;
    this.indexes = List.copyOf(indexes);
  }

  /** A reader of a view that declares no indexes. */
  public static ServingRowReader of(StructType servingSchema) {
    return of(servingSchema, List.of());
  }

  /**
   * @param indexes the view's index columns ({@link io.streamgate.processor.view.ViewPlan#indexes})
   * @throws IllegalArgumentException if the schema lacks the key or value column
   */
  public static ServingRowReader of(StructType servingSchema, List<String> indexes) {
    return new ServingRowReader(required(servingSchema, ViewTransform.KEY),
        required(servingSchema, ViewTransform.VALUE), optional(servingSchema, ViewTransform.RANK),
        optional(servingSchema, ViewTransform.WINDOW_END),
        optional(servingSchema, ViewTransform.VERSION),
        optional(servingSchema, ViewTransform.DELETED), indexes);
  }

  /** True if the row says its key is to be deleted ({@link ViewTransform#DELETED}). */
  public boolean deleted(Row row) {
    return deleted >= 0 && !row.isNullAt(deleted) && row.getBoolean(deleted);
  }

  /** The row's own version if it has one, else {@code batchVersion}. */
  public long version(Row row, long batchVersion) {
    return version >= 0 ? row.getLong(version) : batchVersion;
  }

  public boolean ranked() {
    return rank >= 0;
  }

  /**
   * True if every write of a row changes index entries beyond its key (a rank score or declared
   * indexes), so each write needs its {@code INDEX_ROW} call.
   */
  public boolean indexesEveryWrite() {
    return ranked() || !indexes.isEmpty();
  }

  public boolean windowed() {
    return windowEnd >= 0;
  }

  /** The row's key, or null. */
  public String key(Row row) {
    return row.isNullAt(key) ? null : row.getString(key);
  }

  /** Why the row cannot be served (a key the contract refuses, or no value), or null if it can. */
  public String problem(Row row) {
    String problem = Names.keyProblem(key(row));
    if (problem != null) {
      return problem;
    }
    long max = io.streamgate.contract.Row.MAX_VERSION;
    if (version >= 0 && (row.isNullAt(version) || row.getLong(version) < 1
        || row.getLong(version) > max)) {
      return "version " + (row.isNullAt(version) ? "null" : row.getLong(version))
          + " (from the change's LSN) is outside the contract's 1.." + max;
    }
    return !deleted(row) && row.isNullAt(value) ? "value is null" : null;
  }

  /** The end of the row's window (epoch ms), or null: not windowed, or no window. */
  public Long windowEnd(Row row) {
    return windowEnd < 0 || row.isNullAt(windowEnd) ? null : row.getLong(windowEnd);
  }

  /** The rank score, or null: no rank column, a null value, or one a sorted set cannot hold. */
  public Double rank(Row row) {
    if (rank < 0 || row.isNullAt(rank)) {
      return null;
    }
    double score = row.getDouble(rank);
    return Double.isNaN(score) || Double.isInfinite(score) ? null : score;
  }

  /**
   * The contract's write of a row that has no {@link #problem} into {@code table} (a version of
   * a view, {@link io.streamgate.contract.Names#table}): the contract row (built here, once, and
   * naming the view), its rank and the view's index columns.
   */
  public RowWrite write(String table, Row row, long version, long updatedAt) {
    return new RowWrite(table, new io.streamgate.contract.Row(
        io.streamgate.contract.Names.viewOfTable(table), key(row), version, updatedAt,
        row.getString(value)), rank(row), indexes);
  }

  /** The contract's delete of a row whose {@link #deleted} is true, from {@code table}. */
  public RowDelete delete(String table, Row row, long version, long deletedAt,
      long retentionMillis) {
    return new RowDelete(table, new io.streamgate.contract.Tombstone(
        io.streamgate.contract.Names.viewOfTable(table), key(row), version, deletedAt),
        retentionMillis);
  }

  private static int required(StructType schema, String name) {
    int index = optional(schema, name);
    if (index < 0) {
      throw new IllegalArgumentException("serving rows need a column '" + name + "', but have "
          + String.join(", ", schema.fieldNames()));
    }
    return index;
  }

  private static int optional(StructType schema, String name) {
    return schema.getFieldIndex(name).isDefined() ? (Integer) schema.getFieldIndex(name).get() : -1;
  }
}
