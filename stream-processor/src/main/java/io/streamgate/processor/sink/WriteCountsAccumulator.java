package io.streamgate.processor.sink;

import org.apache.spark.util.AccumulatorV2;

/**
 * Sums {@link WriteCounts} from executor tasks into the driver. Tasks add; the driver resets and
 * reads between batches (a view's batches run one at a time). Not thread-safe, like every
 * accumulator: Spark gives each task its own copy.
 */
public final class WriteCountsAccumulator extends AccumulatorV2<WriteCounts, WriteCounts> {
  private static final long serialVersionUID = 1L;

  // Volatile: the driver reads it on another thread than the one that merges task results.
  private volatile WriteCounts sum = WriteCounts.ZERO;

  @Override
  public boolean isZero() {
    return sum.equals(WriteCounts.ZERO);
  }

  @Override
  public AccumulatorV2<WriteCounts, WriteCounts> copy() {
    WriteCountsAccumulator copy = new WriteCountsAccumulator();
    copy.sum = sum;
    return copy;
  }

  @Override
  public void reset() {
    sum = WriteCounts.ZERO;
  }

  @Override
  public void add(WriteCounts v) {
    sum = sum.plus(v);
  }

  @Override
  public void merge(AccumulatorV2<WriteCounts, WriteCounts> other) {
    sum = sum.plus(other.value());
  }

  @Override
  public WriteCounts value() {
    return sum;
  }
}
