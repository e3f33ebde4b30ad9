package io.streamgate.processor.view;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An aggregate view as Spark's real-time mode runs it ({@link RealTimeAggregates}).
 *
 * @param deltas the stateless query: per event its groups, deltas and order
 * @param fold how the writer folds them in and computes the rows
 */
public record RealTimeAggregate(Dataset<Row> deltas, AggregateFold fold) {}
