package io.streamgate.processor.view;

import io.streamgate.contract.CatalogEntry;
import io.streamgate.processor.pipeline.ViewSpec;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.OutputMode;

/**
 * A validated view, ready to start: its serving rows, the output mode its kind needs, and what the
 * catalog says about it. Immutable.
 *
 * @param serving    {@code (key, value[, rank][, window_end | _sg_order])} rows, see {@link
 *     ViewTransform}
 * @param columns    the value's columns with Spark type names (the analyzed SQL output minus key)
 * @param rankColumn the rank column's name as the SQL output spells it, or null
 * @param windowColumn windowed views: the output column holding the window, else null
 * @param sources    names of the pipeline sources the SQL reads
 * @param indexes    the declared index columns as the SQL output spells them, empty for none
 * @param realTimeAggregate an aggregate view with {@code trigger: realtime}: the query that runs
 *     instead of {@code serving}'s, else null
 */
public record ViewPlan(
    ViewSpec spec,
    Dataset<Row> serving,
    OutputMode outputMode,
    List<CatalogEntry.Column> columns,
    String rankColumn,
    String windowColumn,
    java.util.Set<String> sources,
    List<String> indexes,
    RealTimeAggregate realTimeAggregate) {

  public ViewPlan {
    columns = List.copyOf(columns);
    indexes = List.copyOf(indexes);
    sources = java.util.Set.copyOf(sources);
  }

  public String name() {
    return spec.name();
  }

  /**
   * The serving column that decides which row of a key a micro-batch writes when it has several
   * ({@link ViewTransform#newestPerKey}): {@link ViewTransform#ORDER} for latest views over Kafka,
   * {@link ViewTransform#WINDOW_END} for windowed views (a key's later window wins); null for
   * aggregates, which have one row per key per batch.
   */
  public String newestBy() {
    java.util.List<String> columns = java.util.List.of(serving.columns());
    if (columns.contains(ViewTransform.ORDER)) {
      return ViewTransform.ORDER;
    }
    return columns.contains(ViewTransform.WINDOW_END) ? ViewTransform.WINDOW_END : null;
  }

  /**
   * An aggregate over a changelog source: its serving rows say which groups are deleted, and its
   * query starts with {@link ChangelogViews#withoutWatermarkCheck}.
   */
  public boolean changelogAggregate() {
    return spec.kind() == io.streamgate.contract.ViewKind.AGGREGATE
        && java.util.List.of(serving.columns()).contains(ViewTransform.DELETED);
  }

  /** Catalog entry of this view; a TTL that is not whole seconds is announced rounded up. */
  public CatalogEntry catalogEntry(long registeredAtMillis) {
    long ttlSeconds = (spec.ttl().toMillis() + 999) / 1000;
    return new CatalogEntry(spec.name(), spec.description(), spec.key(), spec.kind(), columns,
        rankColumn, ttlSeconds, registeredAtMillis, 1, List.of(), indexes);
  }
}
