package io.streamgate.processor.runner;

import io.streamgate.contract.ViewKind;
import io.streamgate.processor.sink.BatchWriter;
import io.streamgate.processor.sink.RealTimeAggregateWriter;
import io.streamgate.processor.sink.RealTimeRowWriter;
import io.streamgate.processor.sink.RedisRowWriter;
import io.streamgate.processor.sink.ServingRowReader;
import io.streamgate.processor.sink.WindowExpiry;
import io.streamgate.processor.view.ChangelogViews;
import io.streamgate.processor.view.ViewPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops the streaming query of one view version. The query is named after the
 * version's table ({@link io.streamgate.contract.Names#table}: the view's name for version 1)
 * and checkpoints in the table's directory, so each version's batch ids, and so its row
 * versions, are its own. Views with {@code trigger: realtime} run in Spark's real-time mode
 * (aggregates as their stateless part, folded in Redis). Call from the driver.
 */
final class ViewQueries {
  private static final Logger LOG = LoggerFactory.getLogger(ViewQueries.class);
  /** How long stopping waits for a view's running batch to finish before interrupting it. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private ViewQueries() {}

  static StreamingQuery start(SparkSession spark, ProcessorSettings settings, ViewPlan plan,
      String table, ProgressLog progressLog, WindowCloser windowCloser) throws TimeoutException {
    boolean windowed = plan.spec().kind() == ViewKind.WINDOWED;
    // Windowed rows get their TTL when their window closes (WindowExpiry), not on every write.
    ServingRowReader reader = ServingRowReader.of(plan.serving().schema(), plan.indexes());
    RedisRowWriter writer = new RedisRowWriter(settings.redisUri(), settings.namespace(),
        table, windowed ? 0 : plan.spec().ttl().toMillis(), reader,
        plan.spec().kind() == ViewKind.LATEST, Clock.systemUTC(),
        plan.spec().tombstoneRetention().toMillis());
    WindowExpiry expiry = null;
    if (windowed) {
      expiry = new WindowExpiry(settings.redisUri(), settings.keyspace(), table,
          plan.windowColumn(), plan.spec().ttl().toMillis());
      int open = expiry.recover();
      if (open > 0) {
        LOG.info("{}: {} rows of windows still open when the processor stopped expire once"
            + " they close", table, open);
      }
      windowCloser.add(expiry);
    }
    if (plan.realTimeAggregate() != null) {
      // Stateless in Spark (update mode, as real-time mode requires); the running aggregates
      // are folded in Redis.
      return plan.realTimeAggregate().deltas().writeStream()
          .queryName(table)
          .outputMode(OutputMode.Update())
          .option("checkpointLocation", settings.checkpointOf(table))
          .trigger(Trigger.RealTime(plan.spec().trigger().toMillis()))
          .foreach(new RealTimeAggregateWriter(settings.redisUri(), settings.namespace(), table,
              plan.spec().ttl().toMillis(), reader, plan.realTimeAggregate().fold(),
              Clock.systemUTC(), progressLog.realTimeCounts(spark, table)))
          .start();
    }
    if (plan.spec().realTime()) {
      // Real-time mode: output mode update and a ForeachWriter (foreachBatch is refused).
      return plan.serving().writeStream()
          .queryName(table)
          .outputMode(OutputMode.Update())
          .option("checkpointLocation", settings.checkpointOf(table))
          .trigger(Trigger.RealTime(plan.spec().trigger().toMillis()))
          .foreach(new RealTimeRowWriter(settings.redisUri(), settings.namespace(), table,
              plan.spec().ttl().toMillis(), reader, Clock.systemUTC(),
              progressLog.realTimeCounts(spark, table)))
          .start();
    }
    var stream = plan.serving().writeStream()
        .queryName(table)
        .outputMode(plan.outputMode())
        .option("checkpointLocation", settings.checkpointOf(table))
        .trigger(Trigger.ProcessingTime(plan.spec().trigger().toMillis()))
        .foreachBatch(
            new BatchWriter(spark, table, writer, progressLog, expiry, plan.newestBy()));
    if (!plan.changelogAggregate()) {
      return stream.start();
    }
    try {
      return ChangelogViews.withoutWatermarkCheck(spark, stream::start);
    } catch (TimeoutException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops a query, logging rather than throwing if it does not stop cleanly. */
  static void stop(String name, StreamingQuery query) {
    try {
      stopBetweenBatches(query);
    } catch (TimeoutException | RuntimeException e) {
      LOG.warn("{} did not stop cleanly: {}", name, e.toString());
    }
  }

  /**
   * Stopping interrupts the query's thread: between triggers that is a clean stop; during a batch
   * it abandons the batch (it is replayed with the same id on restart, so the checkpoint stays
   * valid either way) and Spark logs the cancelled tasks. So wait, within {@link #STOP_GRACE},
   * for a moment when no trigger runs.
   */
  private static void stopBetweenBatches(StreamingQuery query) throws TimeoutException {
    if (isRealTime(query)) {
      // A real-time batch runs for its whole interval: stop now; the unfinished batch is
      // replayed on restart with the same versions, so its writes are ignored.
      query.stop();
      return;
    }
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    while (query.isActive() && query.status().isTriggerActive() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    query.stop();
  }

  static boolean isRealTime(StreamingQuery query) {
    try {
      Object trigger = ((org.apache.spark.sql.execution.streaming.runtime.StreamingQueryWrapper)
          query).streamingQuery().trigger();
      return trigger.getClass().getSimpleName().startsWith("RealTime");
    } catch (ClassCastException | LinkageError e) {
      return false;
    }
  }
}
