package io.streamgate.processor.runner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.streaming.StreamingQueryStatus;
import org.junit.jupiter.api.Test;

class FreshnessTrackerTest {
  private static final StreamingQueryStatus WAITING =
      new StreamingQueryStatus("Waiting for data to arrive", false, false);
  private static final StreamingQueryStatus PROCESSING =
      new StreamingQueryStatus("Processing new data", true, true);
  private static final StreamingQueryStatus POLLING =
      new StreamingQueryStatus("Getting offsets from KafkaV2", false, true);

  @Test
  void caughtUpWhenNothingIsBehindAndNoBatchWithDataRuns() {
    assertTrue(FreshnessTracker.caughtUp(new Backfill(0, 1), WAITING, false));
    assertTrue(FreshnessTracker.caughtUp(new Backfill(0, 1), POLLING, false));
  }

  @Test
  void behindWhileABatchWithDataRunsOrRecordsWait() {
    assertFalse(FreshnessTracker.caughtUp(new Backfill(0, 1), PROCESSING, false));
    assertFalse(FreshnessTracker.caughtUp(new Backfill(12, 0.9), WAITING, false));
    assertFalse(FreshnessTracker.caughtUp(Backfill.UNKNOWN, WAITING, false));
  }

  @Test
  void realTimeQueryIsCaughtUpWithNothingBehindThoughItsBatchAlwaysRuns() {
    assertTrue(FreshnessTracker.caughtUp(new Backfill(0, 1), PROCESSING, true));
    assertFalse(FreshnessTracker.caughtUp(new Backfill(3, 0.9), PROCESSING, true));
  }
}
