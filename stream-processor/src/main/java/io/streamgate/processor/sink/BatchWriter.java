package io.streamgate.processor.sink;

import io.streamgate.contract.Row;
import io.streamgate.processor.view.ViewPlan;
import io.streamgate.processor.view.ViewTransform;
import java.io.Serializable;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;

/**
 * The {@code foreachBatch} function of one view: writes each micro-batch's serving rows to Redis
 * partition by partition ({@link RedisRowWriter} on the executors) and reports the counts.
 *
 * <p><b>Version = batchId + 1.</b> Each view runs as its own query with its own checkpoint, so its
 * batch ids only grow, and every key written by batch n gets version n + 1 — larger than any
 * version an earlier batch of this view wrote. A batch replayed after a crash has the same id and
 * the same input offsets; its writes carry the same version and are ignored (or, where the crash
 * cut it short, applied for the first time with identical content). The +1 keeps versions at 1 or
 * more, as the contract requires.
 *
 * <p><b>Newest row per key.</b> All rows of a batch share one version, and the store applies
 * only the first write of a version, so when a batch holds several rows of one key (a latest
 * view's events, a windowed view's windows) the batch is first reduced to each key's newest row
 * ({@link ViewTransform#newestPerKey}: by event time, then Kafka partition and offset; by window
 * end), whatever partitions the rows came from.
 *
 * <p>Called by Spark on the view's query thread, one batch at a time.
 */
public final class BatchWriter implements VoidFunction2<Dataset<org.apache.spark.sql.Row>, Long> {
  private static final long serialVersionUID = 1L;

  private final String view;
  private final String newestBy;
  private final RedisRowWriter writer;
  private final WriteCountsAccumulator counts;
  private final transient BatchListener listener;
  private final transient WindowExpiry windows;
  private final CollectionAccumulator<WindowRow> windowRows;

  /** A windowed row written by a task: its key and window end (epoch ms). */
  public record WindowRow(String key, long end) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  public BatchWriter(SparkSession spark, String view, RedisRowWriter writer, BatchListener listener) {
    this(spark, view, writer, listener, null, null);
  }

  /**
   * @param windows  for a windowed view: told each written row's window end; else null
   * @param newestBy the column that picks a key's newest row when a batch has several ({@link
   *     ViewPlan#newestBy}), or null when it has one row per key
   */
  public BatchWriter(SparkSession spark, String view, RedisRowWriter writer, BatchListener listener,
      WindowExpiry windows, String newestBy) {
    this.view = view;
    this.newestBy = newestBy;
    this.writer = writer;
    this.listener = listener;
    this.windows = windows;
    this.counts = new WriteCountsAccumulator();
    spark.sparkContext().register(counts, "streamgate." + view + ".writes");
    this.windowRows = windows == null ? null
        : spark.sparkContext().collectionAccumulator("streamgate." + view + ".windows");
  }

  /** The version every row of batch {@code batchId} is written with. */
  public static long version(long batchId) {
    long version = batchId + 1;
    if (version > Row.MAX_VERSION) {
      throw new IllegalStateException("batch id " + batchId + " exceeds the contract's versions");
    }
    return version;
  }

  @Override
  public void call(Dataset<org.apache.spark.sql.Row> viewRows, Long batchId) {
    long version = version(batchId);
    Dataset<org.apache.spark.sql.Row> batch =
        newestBy == null ? viewRows : ViewTransform.newestPerKey(viewRows, newestBy);
    // Locals, so the task closure carries the writer and the accumulator, not this object.
    RedisRowWriter rowWriter = writer;
    WriteCountsAccumulator sum = counts;
    CollectionAccumulator<WindowRow> ends = windowRows;
    sum.reset();
    if (ends == null) {
      batch.foreachPartition(
          (ForeachPartitionFunction<org.apache.spark.sql.Row>)
              rows -> sum.add(rowWriter.write(rows, version)));
    } else {
      ends.reset();
      batch.foreachPartition(
          (ForeachPartitionFunction<org.apache.spark.sql.Row>)
              rows -> sum.add(rowWriter.write(rows, version,
                  (key, end) -> ends.add(new WindowRow(key, end)))));
      for (WindowRow r : ends.value()) {
        windows.add(r.key(), r.end());
      }
    }
    if (listener != null) {
      listener.onBatchWritten(view, batchId, sum.value());
    }
  }
}
